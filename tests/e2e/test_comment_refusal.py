"""A refused comment in a real browser on a phone-sized screen: the answer to the POST opens at the
form (the action's `#kommentieren` fragment), the message is on screen and, with JavaScript, has the
focus; the reader's text is still there. Without JavaScript the fragment and the message still hold."""

import json
import re
from pathlib import Path

import pytest

from blog.models import BlogPostPage
from comments.forms import TOO_FAST
from comments.models import PostComment
from comments.views import CHECK_FIELDS
from home.demo_content import SEED_SLUG

PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TEXT = "Ein langer Kommentar vom Handy, den ich nicht noch einmal tippen möchte."


@pytest.fixture
def seed(live_site):
    return BlogPostPage.objects.get(slug=SEED_SLUG)


def phone_page(new_context, javascript=True):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript)
    return context.new_page()


def send(page, url, email):
    page.goto(url)
    form = page.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill(TEXT)
    form.locator("input[name=name]").fill("Hanna Handy")
    form.locator("input[name=email]").fill(email)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def assert_lands_on_the_message(page, message_text, javascript):
    from playwright.sync_api import expect

    assert page.url.endswith("/kommentare/senden/#kommentieren"), page.url
    message = page.locator("#kommentieren > .comment-form__message")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(message_text)
    expect(message).to_be_in_viewport()
    # Not cut off at the top either: the first line of the message is readable.
    assert message.bounding_box()["y"] >= 0
    if javascript:
        expect(message).to_be_focused()
        assert page.evaluate("document.activeElement.id") == "kommentar-hinweis"
    expect(page.locator("textarea[name=comment]")).to_have_value(TEXT)


# "hanna@eifel" passes the browser's own check of type=email (no dot needed), not the server's.
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_invalid_email_answer_opens_at_the_focused_message(seed, live_server, new_context, javascript):
    from playwright.sync_api import expect

    page = phone_page(new_context, javascript)

    send(page, live_server.url + seed.url, "hanna@eifel")

    assert_lands_on_the_message(page, str(CHECK_FIELDS), javascript)
    summary_link = page.locator("#kommentar-hinweis a[href='#id_email']")
    expect(summary_link).to_contain_text("E-Mail")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email")).to_have_attribute("aria-describedby", "id_email_error")
    expect(page.locator("#id_email_error")).to_contain_text("gültige E-Mail-Adresse")

    # Fixed and sent again: the accepted comment's own fragment wins over the action's.
    page.locator("input[name=email]").fill("hanna@eifel.example.org")
    with page.expect_navigation():
        page.locator("form#kommentarformular button[type=submit]").click()
    comment = PostComment.objects.get(comment=TEXT)
    assert re.search(rf"\?kommentar={comment.pk}#c{comment.pk}$", page.url), page.url
    expect(page.locator(f"#c{comment.pk} .comment__held")).to_be_in_viewport()
    expect(page.locator("#kommentare-titel")).to_have_text("Noch keine freigeschalteten Kommentare")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_too_fast_answer_opens_at_the_focused_message(seed, live_server, new_context, settings, javascript):
    settings.COMMENTS_MIN_SECONDS = 60
    page = phone_page(new_context, javascript)

    send(page, live_server.url + seed.url, "hanna@eifel.example.org")

    assert_lands_on_the_message(page, str(TOO_FAST), javascript)
    assert not PostComment.objects.filter(comment=TEXT).exists()


def test_a_normal_page_view_moves_no_focus(seed, live_server, new_context):
    page = phone_page(new_context)
    page.goto(live_server.url + seed.url)

    assert page.locator(".comment-form__message").count() == 0
    assert page.evaluate("document.activeElement === document.body")


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["name"] == "axe-core"
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]][:5]}
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_refusal_and_held_comment_have_no_serious_accessibility_violations(seed, live_server, new_context):
    # The site's CSP rightly forbids injected scripts; the test browser may ignore it for axe.
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True).new_page()

    send(page, live_server.url + seed.url, "hanna@eifel")  # the message with its list of fields
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)

    page.locator("input[name=email]").fill("hanna@eifel.example.org")
    with page.expect_navigation():
        page.locator("form#kommentarformular button[type=submit]").click()
    page.locator(".comment__held").wait_for()  # the reader's own waiting comment, under its heading
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
