"""The writer edits their own comment in a real browser: write, "Bearbeiten", change, saved and marked."""

import json

from blog.models import BlogPostPage
from comments.models import PostComment
from home.demo_content import SEED_SLUG

from .test_comment_refusal import serious_violations


def test_writer_edits_their_comment_and_sees_it_marked_edited(live_site, live_server, new_context):
    from playwright.sync_api import expect

    post = BlogPostPage.objects.get(slug=SEED_SLUG)
    page = new_context(bypass_csp=True).new_page()  # bypass_csp: axe is injected below
    page.goto(live_server.url + post.url)
    form = page.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill("Der Markt in Daun war am Samstag.")
    form.locator("input[name=name]").fill("Hanna")
    form.locator("input[name=email]").fill("hanna@eifel.example.org")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    comment = PostComment.objects.get(comment="Der Markt in Daun war am Samstag.")

    with page.expect_navigation():
        page.locator(f"#c{comment.pk} a.comment__edit").click()
    textarea = page.locator("textarea[name=comment]")
    expect(textarea).to_have_value("Der Markt in Daun war am Samstag.")
    assert serious_violations(page) == [], json.dumps(serious_violations(page), ensure_ascii=False)
    textarea.fill("Der Markt in Daun war am Sonntag.")
    with page.expect_navigation():
        page.get_by_role("button", name="Änderung speichern").click()

    shown = page.locator(f"#c{comment.pk}")
    expect(shown.locator(".comment__text")).to_have_text("Der Markt in Daun war am Sonntag.")
    expect(shown.locator(".comment__edited")).to_have_text("(bearbeitet)")
    # "Jeden Kommentar zurückhalten" is on (a new site's default): it still waits, shown to its writer only.
    expect(shown.locator(".comment__held")).to_have_text("Dein Kommentar wartet auf Freischaltung.")
    comment.refresh_from_db()
    assert comment.is_held and comment.edited_at is not None
