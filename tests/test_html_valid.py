"""The reader-facing pages are valid HTML: the Nu Html Checker (vnu, the W3C's validator) finds no error.

Every page is rendered by Django's test client with demo content plus comments (a reply, a
recommended and an edited comment, pages of threads), written to files and checked by one run of
vnu.jar. `make test` installs the jar from npm into .cache/vnu/ (the Makefile's `vnu` target; or set
VNU_JAR). Without Java or the jar the test is skipped, unless REQUIRE_E2E=1 (set by .ci/run).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from django.conf import settings
from django.test import Client

from wagtail.models import Site

from blog.models import BlogPostPage, PostTag
from comments import lifecycle
from comments.factories import PostCommentFactory, form_data
from comments.models import CommentSettings, PostComment, Status
from home.demo_content import SEED_SLUG

VNU_JAR = Path(os.environ.get("VNU_JAR") or settings.BASE_DIR / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
REQUIRED = os.environ.get("REQUIRE_E2E") == "1"


def vnu_command():
    java = shutil.which("java")
    reason = None
    if java is None:
        reason = "no java on PATH (apt-get install default-jre-headless)"
    elif not VNU_JAR.exists():
        reason = f"no vnu.jar at {VNU_JAR} (make vnu: needs npm)"
    if reason:
        if REQUIRED:
            pytest.fail(f"REQUIRE_E2E=1 but {reason}")
        pytest.skip(f"HTML validation skipped: {reason}")
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout"]


def validate(documents, directory):
    """vnu's error messages for {name: html}, as (name, line, message, extract); one JVM for all."""
    for name, html in documents.items():
        (directory / f"{name}.html").write_text(html, encoding="utf-8")
    result = subprocess.run(
        [*vnu_command(), *(str(directory / f"{name}.html") for name in documents)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON (exit {result.returncode}): {result.stdout[-2000:]} {result.stderr[-2000:]}")
    return [
        (message.get("url", "").rsplit("/", 1)[-1], message.get("lastLine"), message["message"],
         message.get("extract", ""))
        for message in messages
        if message.get("type") in ("error", "non-document-error")
    ]  # fmt: skip


def page(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


@pytest.fixture
def pages(demo_site, settings, tmp_path):
    """Every reader-facing page kind, as HTML, by name."""
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_CAPTCHA = "altcha"
    rules = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    rules.hold_all = False
    rules.recheck_edited = False
    rules.save()

    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    tag = PostTag.objects.create(name="Üxheim")
    seed.tags.set([tag])
    seed.save_revision().publish()

    roots = [PostCommentFactory(post=seed, status=Status.APPROVED, comment=f"Faden {n}") for n in range(3)]
    PostCommentFactory(post=seed, parent=roots[0], status=Status.APPROVED, comment="Eine Antwort im Faden.")
    lifecycle.recommend(roots[1], True)

    # The writer's own comment, sent through the form from their browser, then edited there.
    writer = Client()
    response = writer.post("/kommentare/senden/", form_data(seed, comment="So war es beim Dorffest."))
    assert response.status_code == 303
    own = PostComment.objects.get(comment="So war es beim Dorffest.")
    if not own.is_public:
        lifecycle.apply(own, "approve")
    edit_url = f"/kommentare/bearbeiten/{own.pk}/"
    edit_form = page(writer, edit_url)
    assert writer.post(edit_url, {"comment": "So war es beim Dorffest in Daun."}).status_code == 303
    own.refresh_from_db()
    assert own.edited_at is not None

    reader = Client()
    reader.cookies["bench"] = "uncached"  # any cookie: the page cache steps aside
    post_page = page(reader, seed.url)
    assert "comment__badge" in post_page and "kommentare=neueste" in post_page and "seite=2" in post_page
    assert "altcha" in post_page
    return {
        "post": post_page,
        "post-by-writer": page(writer, seed.url),
        "post-newest": page(reader, seed.url, kommentare="neueste"),
        "post-threads-page-2": page(reader, seed.url, seite=2),
        "edit-own": edit_form,
        "report": page(reader, f"/kommentare/melden/{roots[2].pk}/"),
        "index": page(reader, "/beitraege/"),
        "category": page(reader, "/beitraege/kategorie/wirtschaft/"),
        "tag": page(reader, f"/beitraege/schlagwort/{tag.slug}/"),
        "search": page(reader, "/beitraege/suche/", q="Eifel"),
        "not-found": page(reader, "/gibt-es-nicht/", status=404),
        "netiquette": page(reader, "/netiquette/"),
        "home": page(reader, "/"),
    }


def test_reader_facing_pages_have_no_html_errors(pages, tmp_path):
    errors = validate(pages, tmp_path)
    assert errors == [], "\n".join(
        f"{name}:{line}: {message}\n    {extract!r}" for name, line, message, extract in errors
    )
