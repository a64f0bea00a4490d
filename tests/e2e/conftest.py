"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Never a browser download: the tests use /usr/bin/chromium (`apt-get install chromium`). Without it
they are skipped with a message, unless REQUIRE_E2E=1 (set by .ci/run), where a missing browser is
an error. A failing test leaves a screenshot in tests/e2e/artifacts/.
"""

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
REQUIRED = os.environ.get("REQUIRE_E2E") == "1"

# Playwright's sync API keeps an event loop running in this thread; the ORM calls of the test
# itself (fixtures, assertions) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _unavailable_reason():
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def chromium():
    reason = _unavailable_reason()
    if reason:
        if REQUIRED:
            pytest.fail(f"REQUIRE_E2E=1 but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def new_context(chromium, request):
    """Opens browser contexts (one per person in a test); screenshots every open page on failure."""
    contexts = []

    def open_context(**options):
        options.setdefault("locale", "de-DE")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(accept_downloads=True, **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield open_context
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for number, context in enumerate(contexts):
            for page_number, open_page in enumerate(context.pages):
                # A failed screenshot must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    open_page.screenshot(path=str(ARTIFACTS / f"{name}-{number}-{page_number}.png"), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_context):
    return new_context().new_page()


@pytest.fixture
def wagtail_root(transactional_db, django_db_serialized_rollback):
    """Wagtail's root page, its default locale and django.contrib.sites' site, which migrations
    create and a transactional test's flush removes (serialized rollback restores them, but not
    after every kind of test)."""
    from tests.conftest import ensure_wagtail_root

    return ensure_wagtail_root()


@pytest.fixture
def live_site(wagtail_root, live_server, settings):
    """The demo content, served by the live server; comments may be sent at once."""
    from django.core.management import call_command

    from home.models import HomePage

    call_command("load_demo_content", "--no-accounts", verbosity=0, stdout=io.StringIO())
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return HomePage.objects.get()


@pytest.fixture
def moderator(wagtail_root):
    user = get_user_model().objects.create_user(
        username="moderatorin", password="moderieren-ist-wichtig-42", is_staff=False
    )
    group = Group.objects.filter(name="Moderatoren").first()
    if group is not None:
        user.groups.add(group)
    else:
        user.is_superuser = True
        user.save()
    return user


@pytest.fixture
def editor(wagtail_root):
    return get_user_model().objects.create_superuser(
        username="redakteurin", email="redaktion@example.org", password="schreiben-ist-wichtig-42"
    )


def admin_log_in(page, base_url, username, password):
    page.goto(base_url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/(?!login)"))
