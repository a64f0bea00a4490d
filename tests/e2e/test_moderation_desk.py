"""The moderation desk in a browser: decisions by keyboard without a page load, "Rückgängig", phone cards."""

from playwright.sync_api import expect

from blog.models import BlogPostPage
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from home.demo_content import SEED_SLUG

from .conftest import admin_log_in


def held_comments(count):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    PostComment.objects.all().delete()
    return [PostCommentFactory(post=seed, comment=f"Wartender Kommentar Nummer {n}") for n in range(count)]


def test_keyboard_decisions_without_reload_and_undo(live_site, live_server, new_context, moderator):
    first, second, third = held_comments(3)
    admin = new_context().new_page()
    admin_log_in(admin, live_server.url, "moderatorin", "moderieren-ist-wichtig-42")
    admin.goto(live_server.url + "/admin/kommentare/")
    admin.evaluate("window.__noReload = true")

    rows = admin.locator("tr:has([data-comment-actions])")
    expect(rows).to_have_count(3)
    admin.keyboard.press("?")
    expect(admin.locator("#comment-keys")).to_be_visible()

    admin.keyboard.press("j")  # the first row (newest first: the third comment)
    expect(admin.locator("tr.comment-row--current")).to_have_count(1)
    admin.keyboard.press("a")
    expect(admin.locator(".comment-notice")).to_contain_text("Kommentar freigegeben.")
    expect(rows.filter(visible=True)).to_have_count(2)
    admin.keyboard.press("s")  # the next one is current now
    expect(admin.locator(".comment-notice")).to_contain_text("Kommentar als Spam markiert.")
    expect(rows.filter(visible=True)).to_have_count(1)

    admin.keyboard.press("u")
    expect(rows.filter(visible=True)).to_have_count(2)
    assert admin.evaluate("window.__noReload") is True  # the same page all along

    statuses = {comment.pk: PostComment.objects.get(pk=comment.pk).status for comment in (first, second, third)}
    assert statuses[third.pk] == Status.APPROVED
    assert statuses[second.pk] == Status.PENDING  # spam, then taken back
    assert statuses[first.pk] == Status.PENDING


def test_buttons_work_by_click_and_the_queue_is_one_card_per_comment_on_a_phone(
    live_site, live_server, new_context, moderator
):
    held_comments(2)
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    admin_log_in(phone, live_server.url, "moderatorin", "moderieren-ist-wichtig-42")
    phone.goto(live_server.url + "/admin/kommentare/")
    rows = phone.locator("tr:has([data-comment-actions])")
    expect(rows).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    button = rows.first.get_by_role("button", name="In den Papierkorb")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 40
    button.click()
    expect(phone.locator(".comment-notice")).to_contain_text("Kommentar in den Papierkorb gelegt.")
    expect(rows.filter(visible=True)).to_have_count(1)
    assert PostComment.objects.filter(status=Status.TRASH).count() == 1


def test_approve_and_reply_and_the_thread_in_the_row_without_reload(live_site, live_server, new_context, moderator):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    PostComment.objects.all().delete()
    question = PostCommentFactory(
        post=seed, status=Status.APPROVED, user_name="Hanna", comment="Wann beginnt das Fest?"
    )
    held = PostCommentFactory(parent=question, comment="Weiß das jemand? Ich auch nicht.")
    admin = new_context().new_page()
    admin_log_in(admin, live_server.url, "moderatorin", "moderieren-ist-wichtig-42")
    admin.goto(live_server.url + "/admin/kommentare/")
    admin.evaluate("window.__noReload = true")
    row = admin.locator("tr:has([data-comment-actions])")
    expect(row).to_have_count(1)

    row.get_by_role("link", name="Thread anzeigen").click()
    thread = row.locator("[data-comment-thread]")
    expect(thread).to_contain_text("Wann beginnt das Fest?")
    expect(thread).to_contain_text("Freigegeben")
    expect(row.get_by_role("link", name="Thread ausblenden")).to_be_visible()

    row.get_by_role("button", name="Freigeben und antworten").click()
    expect(admin.locator(".comment-notice")).to_contain_text("Kommentar freigegeben.")
    box = row.locator("[data-reply-box] textarea")
    expect(box).to_be_focused()
    box.fill("Um 14 Uhr auf dem Marktplatz.")
    row.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(admin.locator(".comment-notice")).to_contain_text("Antwort veröffentlicht.")
    expect(row).to_be_hidden()
    assert admin.evaluate("window.__noReload") is True  # the same page all along

    held.refresh_from_db()
    assert held.status == Status.APPROVED and held.is_public
    reply = PostComment.objects.get(parent_id=held.pk, is_moderator_reply=True)
    assert reply.comment == "Um 14 Uhr auf dem Marktplatz." and reply.is_public
