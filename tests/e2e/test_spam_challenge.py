"""The spam challenge in a real browser: Chromium solves the ALTCHA challenge and the comment arrives
verified, nothing leaving the site; with reCAPTCHA nothing goes to Google before the reader's click."""

import copy
from urllib.parse import urlsplit

import pytest

from blog.models import BlogPostPage
from comments.models import PostComment, UsedAltchaChallenge
from comments.moderation import UNVERIFIED, reason_codes
from home.demo_content import SEED_SLUG


@pytest.fixture
def seed(live_site):
    return BlogPostPage.objects.get(slug=SEED_SLUG)


def record_foreign_requests(page, live_server):
    """Requests to any host but the site's: recorded, and answered here (no network) with an empty script."""
    own_host = urlsplit(live_server.url).netloc
    foreign = []

    def handle(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.fulfill(status=200, content_type="text/javascript", body="")

    page.route("**/*", handle)
    return foreign


def fill_comment(page, text):
    form = page.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill(text)
    form.locator("input[name=name]").fill("Paula Prüferin")
    form.locator("input[name=email]").fill("paula@example.org")
    return form


def test_browser_solves_the_challenge_and_the_comment_arrives_verified(seed, live_server, new_context):
    from playwright.sync_api import expect

    page = new_context().new_page()
    foreign = record_foreign_requests(page, live_server)
    page.goto(live_server.url + seed.url)

    form = fill_comment(page, "Mit gelöster Aufgabe aus dem Browser.")
    form.locator("button[type=submit]").click()

    expect(page.locator(".comment__held")).to_have_count(1)
    comment = PostComment.objects.get(comment="Mit gelöster Aufgabe aus dem Browser.")
    assert UNVERIFIED not in reason_codes(comment.hold_reasons)
    assert UsedAltchaChallenge.objects.count() == 1
    assert foreign == []


def test_recaptcha_loads_from_google_only_after_the_click(seed, live_server, new_context, settings):
    from playwright.sync_api import expect

    settings.COMMENTS_CAPTCHA = "recaptcha"
    settings.RECAPTCHA_PUBLIC_KEY = "public-key-for-test"
    settings.RECAPTCHA_PRIVATE_KEY = "private-key-for-test"
    # What base.py allows when the environment chooses reCAPTCHA (read there once, at start-up).
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["script-src"] += ["https://www.google.com", "https://www.gstatic.com"]
    settings.CONTENT_SECURITY_POLICY = policy
    page = new_context().new_page()
    foreign = record_foreign_requests(page, live_server)
    page.goto(live_server.url + seed.url)
    fill_comment(page, "Erst lesen, dann vielleicht Google.")
    page.wait_for_load_state("networkidle")

    assert foreign == []
    page.get_by_role("button", name="reCAPTCHA laden (Google)").click()
    page.wait_for_timeout(500)
    expect(page.locator("script[src^='https://www.google.com/recaptcha/api.js']")).to_have_count(1)
    assert [urlsplit(url).netloc for url in foreign] == ["www.google.com"]
