"""comments.js in a real browser (Chromium via Playwright): replies move the
form, and name/e-mail/website are remembered only when the reader ticks the box."""

import pytest

from blog.models import BlogPostPage
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from home.demo_content import SEED_SLUG


@pytest.fixture
def seed_with_comment(live_site):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    parent = PostCommentFactory(
        post=seed,
        user_name="Berta Beispiel",
        user_email="berta@example.org",
        comment="Ein freigegebener Kommentar.",
        status=Status.APPROVED,
    )
    return seed, parent


def test_reply_moves_the_form_under_the_comment_and_cancel_brings_it_back(seed_with_comment, live_server, new_context):
    from playwright.sync_api import expect

    seed, parent = seed_with_comment
    page = new_context().new_page()
    page.goto(live_server.url + seed.url)

    page.locator(f"#c{parent.pk} .comment__reply").click()

    expect(page.locator(f"#c{parent.pk} #kommentieren")).to_have_count(1)
    expect(page.locator(".comment-respond__to")).to_have_text(" zu Berta Beispiel")
    expect(page.locator("input[name=reply_to]")).to_have_value(str(parent.pk))
    assert "antwort=" not in page.url  # no page load
    page.locator(".comment-respond__cancel").click()
    expect(page.locator(f"#c{parent.pk} #kommentieren")).to_have_count(0)
    expect(page.locator("input[name=reply_to]")).to_have_value("0")
    expect(page.locator(".comment-respond__to")).to_be_hidden()

    page.locator(f"#c{parent.pk} .comment__reply").click()
    form = page.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill("Eine Antwort mit JavaScript.")
    form.locator("input[name=name]").fill("Carla")
    form.locator("input[name=email]").fill("carla@example.org")
    form.locator("button[type=submit]").click()
    expect(page.locator(".comment__held")).to_have_count(1)
    reply = PostComment.objects.get(comment="Eine Antwort mit JavaScript.")
    assert reply.parent_id == parent.pk and reply.level == 1


def test_browser_remembers_the_author_only_after_the_box_is_ticked(seed_with_comment, live_server, new_context):
    from playwright.sync_api import expect

    seed, _parent = seed_with_comment
    context = new_context()
    page = context.new_page()
    url = live_server.url + seed.url

    def send(text, remember):
        page.goto(url)
        form = page.locator("form#kommentarformular")
        form.locator("textarea[name=comment]").fill(text)
        form.locator("input[name=name]").fill("Dora Dorn")
        form.locator("input[name=email]").fill("dora@example.org")
        form.locator("input[name=url]").fill("https://dora.example.org/")
        form.locator("input[name=remember]").set_checked(remember)
        form.locator("button[type=submit]").click()
        expect(page.locator(".comment__held").first).to_be_visible()

    send("Ohne Merken.", remember=False)
    page.goto(url)
    expect(page.locator("input[name=name]")).to_have_value("")
    assert page.evaluate("window.localStorage.getItem('wle-comment-author')") is None

    send("Mit Merken.", remember=True)
    page.goto(url)
    expect(page.locator("input[name=name]")).to_have_value("Dora Dorn")
    expect(page.locator("input[name=email]")).to_have_value("dora@example.org")
    expect(page.locator("input[name=url]")).to_have_value("https://dora.example.org/")
    expect(page.locator("input[name=remember]")).to_be_checked()

    other_reader = new_context().new_page()
    other_reader.goto(url)
    expect(other_reader.locator("input[name=name]")).to_have_value("")

    send("Wieder vergessen.", remember=False)
    assert page.evaluate("window.localStorage.getItem('wle-comment-author')") is None
