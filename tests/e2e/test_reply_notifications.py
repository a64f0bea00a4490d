"""Reply notifications end to end: opt-in mail → confirm → reply approved → mail → unsubscribe."""

import re
from pathlib import Path

from playwright.sync_api import expect

from django.core import mail

from blog.models import BlogPostPage
from comments import lifecycle
from comments.models import PostComment, ReplySubscription
from home.demo_content import SEED_SLUG

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
LINK = re.compile(r"http://[^\s]+(/kommentare/benachrichtigung/[^\s]+/)")


def links_in(message):
    return LINK.findall(message.body)


def wait_for_mail(to, subject_part, timeout=10.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mail.outbox if m.to == [to] and subject_part in m.subject]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} with {subject_part!r}: {[m.subject for m in mail.outbox]}")


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["name"] == "axe-core"
    return [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]


def local(live_server, url):
    """The mails name the site's public address (BASE_URL, the Wagtail site); here the live server serves it."""
    return re.sub(r"^http://[^/]+", live_server.url, url)


def send_comment(page, text, name, email, notify):
    form = page.locator("form#kommentarformular")
    form.locator("textarea[name=comment]").fill(text)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    if notify:
        form.get_by_label("Benachrichtige mich über Antworten").check()
    form.locator("button[type=submit]").click()
    expect(page.get_by_text(text)).to_be_visible()


def test_opt_in_confirm_reply_mail_unsubscribe(live_site, live_server, new_context):
    seed = BlogPostPage.objects.get(slug=SEED_SLUG)
    # The site's CSP rightly forbids injected scripts; the test browser may ignore it for axe.
    reader = new_context(bypass_csp=True).new_page()
    reader.goto(live_server.url + seed.url)
    send_comment(reader, "Weiß jemand, wann der Markt wieder öffnet?", "Anna Leserin", "anna@example.org", True)
    question = PostComment.objects.get(user_email="anna@example.org")

    # The double opt-in: the mail's link shows a button; only the button confirms.
    confirmation = wait_for_mail("anna@example.org", "Bitte bestätige")
    (confirm,) = [link for link in links_in(confirmation) if link.endswith("/bestaetigen/")]
    reader.goto(live_server.url + confirm)
    assert serious_violations(reader) == []
    assert not ReplySubscription.objects.get(comment=question).is_confirmed
    reader.get_by_role("button", name="Ja, Benachrichtigung bestätigen").click()
    expect(reader.get_by_role("status")).to_contain_text("Benachrichtigung ist bestätigt")
    assert ReplySubscription.objects.get(comment=question).is_confirmed
    lifecycle.apply(question, "approve")

    # Another reader answers; nothing is sent while the reply is held.
    other = new_context().new_page()
    other.goto(f"{live_server.url}{seed.url}?antwort={question.pk}#kommentieren")
    send_comment(other, "Am Samstag um acht, wie immer.", "Bernd", "bernd@example.org", False)
    reply = PostComment.objects.get(user_email="bernd@example.org")
    assert reply.parent_id == question.pk
    assert not [m for m in mail.outbox if m.to == ["anna@example.org"] and "Neue Antwort" in m.subject]

    # The moderator approves the reply: Anna hears of it.
    lifecycle.apply(reply, "approve")
    notice = wait_for_mail("anna@example.org", "Neue Antwort")
    assert "Am Samstag um acht, wie immer." in notice.body
    assert "bernd@example.org" not in notice.body
    unsubscribe = local(live_server, notice.extra_headers["List-Unsubscribe"].strip("<>"))
    assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The reply link (the reply's permalink) lands on the reply.
    (reply_url,) = re.findall(rf"http://\S+/kommentare/{reply.pk}/", notice.body)
    reader.goto(local(live_server, reply_url))
    expect(reader.locator(f"#c{reply.pk}")).to_contain_text("Am Samstag um acht")

    # One click on the page behind the link ends it.
    reader.goto(unsubscribe)
    reader.get_by_role("button", name="Abbestellen").click()
    expect(reader.get_by_role("status")).to_contain_text("keine E-Mails mehr")
    assert not ReplySubscription.objects.exists()
