"""A reader comments on the seed article; a moderator approves it in the admin; the reader sees it."""

import re

from playwright.sync_api import expect

from blog.models import BlogPostPage
from comments.models import PostComment
from home.demo_content import SEED_SLUG

from .conftest import admin_log_in

COMMENT_TEXT = "Ein Gruß aus Gerolstein: danke für den ausführlichen Bericht über die Mittelstädte!"


def test_reader_comments_moderator_approves_reader_sees_it(live_site, live_server, new_context, moderator):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    reader = new_context().new_page()
    reader.goto(live_server.url + seed.url)
    expect(reader.locator("h1")).to_contain_text("Vielfalt in den Zentren")

    # Show and hide the comments.
    comments = reader.locator("details.comments__toggle")
    summary = comments.locator("summary")
    expect(comments).to_have_attribute("open", "")
    summary.click()
    expect(comments).not_to_have_attribute("open", re.compile(".*"))
    expect(reader.locator(".comments__title")).to_be_hidden()
    summary.click()
    expect(reader.locator(".comments__title")).to_be_visible()

    # Send a comment and see the moderation notice.
    form = reader.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill(COMMENT_TEXT)
    form.locator("input[name=name]").fill("Anna Leserin")
    form.locator("input[name=email]").fill("anna@example.org")
    form.locator("button[type=submit]").click()
    expect(reader.locator(".comment__held")).to_contain_text("Dein Kommentar wartet auf Freischaltung.")
    expect(reader.get_by_text(COMMENT_TEXT)).to_be_visible()
    comment = PostComment.objects.get(comment=COMMENT_TEXT)
    assert not comment.is_public

    # Another reader does not see the held comment.
    stranger = new_context().new_page()
    stranger.goto(live_server.url + seed.url)
    expect(stranger.get_by_text(COMMENT_TEXT)).to_have_count(0)

    # The moderator approves it from the queue.
    admin = new_context().new_page()
    admin_log_in(admin, live_server.url, "moderatorin", "moderieren-ist-wichtig-42")
    admin.goto(live_server.url + "/admin/kommentare/")
    row = admin.locator("tr", has_text=COMMENT_TEXT[:40])
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile("Weitere|More|Aktionen", re.I)).first.click()
    row.get_by_role("link", name="Freigeben", exact=True).click()
    expect(admin.get_by_text("Kommentar freigegeben.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.is_public

    # The reader reloads and sees it published; so does everyone else.
    reader.reload()
    expect(reader.get_by_text(COMMENT_TEXT)).to_be_visible()
    expect(reader.locator(".comment__held")).to_have_count(0)
    stranger.reload()
    expect(stranger.get_by_text(COMMENT_TEXT)).to_be_visible()
