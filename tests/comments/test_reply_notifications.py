"""Reply notifications: double opt-in, mails only when a reply is approved, one-click unsubscribe."""

import hashlib
import re
import threading

import pytest

from django.core import mail
from django.db import connection
from django.utils import timezone

from comments import data_protection, lifecycle, subscriptions
from comments.factories import PostCommentFactory, make_staff
from comments.models import PostComment, ReplySubscription, Status

from .conftest import approve

LINK = re.compile(r"http://testserver(/kommentare/benachrichtigung/[^\s]+/)")


def links_in(message):
    return LINK.findall(message.body)


def confirm_link(message):
    return next(link for link in links_in(message) if link.endswith("/bestaetigen/"))


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def subscribed(post, post_comment, committed, client):
    """Maria comments with the box ticked, the comment is approved and she confirms by mail."""
    with committed():
        post_comment(post, email="maria@example.org", comment="Wer weiß mehr?", notify_replies="on")
    comment = PostComment.objects.get()
    (message,) = mails_to("maria@example.org")
    with committed():
        client.post(confirm_link(message))
        approve(comment)
    mail.outbox.clear()
    return comment


def test_one_address_gets_at_most_three_unconfirmed_confirmation_mails_a_day(
    post, post_comment, committed, client, settings
):
    """Anyone can type a stranger's address; the box must not become a way to fill that inbox."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    answers = []
    with committed():
        for number in range(5):
            response = post_comment(post, email="Opfer@Example.org", comment=f"Text {number}", notify_replies="on")
            answers.append((response.status_code, response["Location"].split("?")[0]))
    assert len(mails_to("Opfer@Example.org")) == 3
    assert ReplySubscription.objects.count() == 3  # the wish beyond the cap is not even stored
    assert PostComment.objects.count() == 5  # the comments themselves are unaffected
    assert len(set(answers)) == 1  # and the writer sees the same answer each time (no oracle)
    # Another address is unaffected; so is this one once it confirms (then the limit counts afresh).
    with committed():
        post_comment(post, email="maria@example.org", notify_replies="on")
    assert len(mails_to("maria@example.org")) == 1
    with committed():
        client.post(confirm_link(mails_to("Opfer@Example.org")[0]))
        client.post(confirm_link(mails_to("Opfer@Example.org")[1]))
        post_comment(post, email="opfer@example.org", comment="Noch einer", notify_replies="on")
    assert len(mails_to("opfer@example.org")) == 1


def test_ticking_the_box_mails_one_confirmation_link_and_nothing_else(post, post_comment, committed, client):
    with committed():
        post_comment(post, email="maria@example.org", notify_replies="on")
    comment = PostComment.objects.get()
    subscription = ReplySubscription.objects.get(comment=comment)
    assert not subscription.is_confirmed
    (message,) = mails_to("maria@example.org")
    assert (
        message.subject
        == "[WIR. LEBEN. EIFEL.] Bitte bestätige: Antworten auf deinen Kommentar zu „Ein Beitrag aus der Eifel“"
    )
    assert "List-Unsubscribe" not in message.extra_headers
    link = confirm_link(message)
    assert subscription.token in link
    # GET (a mail scanner) only asks; the button's POST confirms.
    page = client.get(link)
    assert page.status_code == 200
    assert "Ja, Benachrichtigung bestätigen" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
    response = client.post(link)
    assert response.status_code == 200
    assert "Benachrichtigung ist bestätigt" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_confirmed


def test_without_the_box_nothing_is_stored_and_no_reader_mail_is_sent(post, post_comment, committed):
    with committed():
        post_comment(post, email="maria@example.org")
    assert not ReplySubscription.objects.exists()
    assert mails_to("maria@example.org") == []


def test_spam_gets_no_subscription_and_no_mail(post, post_comment, committed, comment_rules):
    comment_rules.spam_words = "Viagra"
    comment_rules.save()
    with committed():
        post_comment(post, email="opfer@example.org", comment="Billig Viagra", notify_replies="on")
    assert PostComment.objects.get().status == Status.SPAM
    assert not ReplySubscription.objects.exists()
    assert mail.outbox == []


def test_an_approved_reply_mails_the_confirmed_subscriber_with_one_click_unsubscribe(
    subscribed, post, post_comment, committed, client
):
    with committed():
        post_comment(post, name="Jens", email="jens@example.org", comment="Ich weiß es!", reply_to=subscribed.pk)
    reply = PostComment.objects.exclude(pk=subscribed.pk).get()
    assert mails_to("maria@example.org") == [], "a held reply sends nothing"
    with committed():
        approve(reply)
    (message,) = mails_to("maria@example.org")
    assert message.subject == "[WIR. LEBEN. EIFEL.] Neue Antwort auf deinen Kommentar zu „Ein Beitrag aus der Eifel“"
    assert "Jens hat auf deinen Kommentar" in message.body
    assert "Ich weiß es!" in message.body
    assert f"http://testserver/kommentare/{reply.pk}/" in message.body  # the permalink: it finds the page
    assert "jens@example.org" not in message.body
    token = subscribed.reply_subscription.token
    unsubscribe = f"http://testserver/kommentare/benachrichtigung/{token}/abbestellen/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    # A mail program's RFC 8058 one-click POST ends it.
    response = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ReplySubscription.objects.exists()
    # Spent links answer kindly, and alike.
    assert client.post(unsubscribe).status_code == 200
    assert client.get(unsubscribe).status_code == 404


def test_approving_a_reply_again_does_not_mail_twice(subscribed, post, committed):
    reply = PostCommentFactory(parent=subscribed, user_email="jens@example.org")
    for step in (approve, lambda reply: lifecycle.apply(reply, "withdraw"), approve):
        with committed():
            step(reply)
    assert len(mails_to("maria@example.org")) == 1


def test_unconfirmed_subscribers_hear_nothing(post, post_comment, committed):
    with committed():
        post_comment(post, email="maria@example.org", notify_replies="on")
        comment = PostComment.objects.get()
        approve(comment)
    mail.outbox.clear()
    reply = PostCommentFactory(parent=comment)
    with committed():
        approve(reply)
    assert mail.outbox == []


def test_own_replies_and_replies_in_other_threads_send_nothing(subscribed, post, committed):
    own = PostCommentFactory(parent=subscribed, user_email="Maria@Example.org")
    other = PostCommentFactory(post=post, status=Status.APPROVED)
    elsewhere = PostCommentFactory(parent=other)
    with committed():
        approve(own)
        approve(elsewhere)
    assert mail.outbox == []


def test_a_staff_reply_notifies_too(subscribed, committed):
    editor = make_staff("redakteurin", first_name="Eva", last_name="Eifel", groups=["Moderatoren"])
    with committed():
        lifecycle.reply_as_staff(subscribed, "Danke für die Frage.", editor)
    (message,) = mails_to("maria@example.org")
    assert "Eva Eifel hat auf deinen Kommentar" in message.body
    assert "redakteurin" not in message.body


def test_deeper_replies_reach_every_subscriber_above_once(subscribed, post, post_comment, committed, client):
    with committed():
        post_comment(post, name="Jens", email="jens@example.org", reply_to=subscribed.pk, notify_replies="on")
    jens = PostComment.objects.get(user_email="jens@example.org")
    with committed():
        client.post(confirm_link(mails_to("jens@example.org")[0]))
        approve(jens)
    mail.outbox.clear()
    deep = PostCommentFactory(parent=jens)
    with committed():
        approve(deep)
    assert sorted(message.to[0] for message in mail.outbox) == ["jens@example.org", "maria@example.org"]


def test_approval_of_a_confirmed_subscribers_comment_is_announced_once(
    post, post_comment, committed, client, comment_rules
):
    with committed():
        post_comment(post, email="maria@example.org", notify_replies="on")
    with committed():
        client.post(confirm_link(mails_to("maria@example.org")[0]))
    mail.outbox.clear()
    comment = PostComment.objects.get()
    with committed():
        approve(comment)
    (message,) = mails_to("maria@example.org")
    assert message.subject == "[WIR. LEBEN. EIFEL.] Dein Kommentar zu „Ein Beitrag aus der Eifel“ wurde freigegeben"
    assert f"http://testserver/kommentare/{comment.pk}/" in message.body
    assert "List-Unsubscribe-Post" in message.extra_headers

    comment_rules.notify_commenters_on_approval = False
    comment_rules.save()
    mail.outbox.clear()
    with committed():
        post_comment(post, email="maria@example.org", comment="Noch einer.", notify_replies="on")
    second = PostComment.objects.get(comment="Noch einer.")
    with committed():
        client.post(confirm_link(mails_to("maria@example.org")[0]))
    mail.outbox.clear()
    with committed():
        approve(second)
    assert mail.outbox == []


def test_unsubscribe_all_ends_every_subscription_of_the_address_only(post, committed, client):
    mine = [PostCommentFactory(post=post, user_email="maria@example.org") for _ in range(2)]
    other = PostCommentFactory(post=post, user_email="jens@example.org")
    subscriptions = [ReplySubscription.objects.create(comment=comment) for comment in [*mine, other]]
    link = f"/kommentare/benachrichtigung/{subscriptions[0].token}/alle-abbestellen/"
    assert "Alle abbestellen" in client.get(link).content.decode()
    assert ReplySubscription.objects.count() == 3
    client.post(link)
    assert list(ReplySubscription.objects.values_list("comment__user_email", flat=True)) == ["jens@example.org"]


def test_links_carry_only_the_random_token(post, post_comment, committed):
    with committed():
        post_comment(post, email="maria@example.org", notify_replies="on")
    (message,) = mails_to("maria@example.org")
    token = ReplySubscription.objects.get().token
    needles = ["maria", "example.org"]
    for name in ("md5", "sha1", "sha256"):
        digest = hashlib.new(name, b"maria@example.org").hexdigest()
        needles += [digest, digest[:16]]
    for link in links_in(message):
        assert link.split("/")[3] == token
        assert not any(needle in link.lower() for needle in needles)
    assert len(token) >= 40


def test_unknown_tokens_get_a_german_answer_not_an_error(client, db):
    for action in ("bestaetigen", "abbestellen", "alle-abbestellen"):
        response = client.get(f"/kommentare/benachrichtigung/{'x' * 43}/{action}/")
        assert response.status_code == 404
        assert "Dieser Link ist nicht (mehr) gültig" in response.content.decode()


def test_data_protection_exports_and_erases_the_subscriptions(subscribed, post):
    exported = data_protection.export("maria@example.org")
    (row,) = exported["comments"]
    assert row["reply_notification"]["confirmed"] is not None
    assert "token" not in str(row)
    data_protection.erase("maria@example.org", "anonymise")
    assert not ReplySubscription.objects.exists()
    other = PostCommentFactory(post=post, user_email="jens@example.org")
    ReplySubscription.objects.create(comment=other)
    data_protection.erase("jens@example.org", "delete")
    assert not ReplySubscription.objects.exists()


# --- Announced once, when it becomes public ----------------------------------------------------


def confirmed_subscriber(comment):
    """A confirmed subscription of `comment`'s writer (as after the double opt-in)."""
    return ReplySubscription.objects.create(comment=comment, confirmed_at=timezone.now())


@pytest.fixture
def waiting_reply(subscribed, committed):
    """Below Maria's public comment: Jens's reply is held, Kai's answer to it approved already. Kai is a
    confirmed subscriber. Approving Kai's answer made nothing public, so it announced nothing."""
    jens = PostCommentFactory(parent=subscribed, user_name="Jens", user_email="jens@example.org")
    kai = PostCommentFactory(parent=jens, user_name="Kai", user_email="kai@example.org")
    confirmed_subscriber(kai)
    with committed():
        approve(kai)
    assert not PostComment.objects.get(pk=kai.pk).is_public
    assert mail.outbox == []
    assert PostComment.objects.get(pk=kai.pk).announced_at is None
    return jens, kai


def test_a_reply_approved_while_its_parent_waited_is_announced_when_the_parent_is_approved(waiting_reply, committed):
    jens, kai = waiting_reply
    with committed():
        approve(jens)
    # Maria hears of both replies (each when it became public), Kai that his comment is online now.
    maria = mails_to("maria@example.org")
    assert sorted(f"/kommentare/{reply.pk}/" in message.body for reply in (jens, kai) for message in maria) == [
        False,
        False,
        True,
        True,
    ]
    assert len(maria) == 2
    (approved,) = mails_to("kai@example.org")
    assert approved.subject == "[WIR. LEBEN. EIFEL.] Dein Kommentar zu „Ein Beitrag aus der Eifel“ wurde freigegeben"
    assert mails_to("jens@example.org") == []  # no subscription, no mail
    assert all(PostComment.objects.get(pk=reply.pk).announced_at for reply in (jens, kai))


def test_hiding_the_parent_and_approving_it_again_announces_nothing_new(waiting_reply, committed):
    jens, kai = waiting_reply
    with committed():
        approve(jens)
    mail.outbox.clear()
    for step in (lambda: lifecycle.apply(jens, "withdraw"), lambda: approve(jens)):
        with committed():
            step()
    assert PostComment.objects.get(pk=kai.pk).is_public
    assert mail.outbox == []
    # Nor when the reply itself goes the same way.
    for step in (lambda: lifecycle.apply(kai, "withdraw"), lambda: approve(kai)):
        with committed():
            step()
    assert mail.outbox == []


def test_a_staff_reply_to_a_held_comment_is_announced_when_that_comment_is_approved(subscribed, committed):
    jens = PostCommentFactory(parent=subscribed, user_email="jens@example.org")
    confirmed_subscriber(jens)
    editor = make_staff("redakteurin", first_name="Eva", last_name="Eifel", groups=["Moderatoren"])
    with committed():
        answer = lifecycle.reply_as_staff(jens, "Danke, wir prüfen das.", editor)
    assert mail.outbox == []  # Jens's comment still waits: nobody sees the answer yet
    with committed():
        approve(jens)
    assert sorted(
        message.subject.split("]")[1].split(" zu ")[0].strip() for message in mails_to("jens@example.org")
    ) == [
        "Dein Kommentar",
        "Neue Antwort auf deinen Kommentar",
    ]
    assert any(f"/kommentare/{answer.pk}/" in message.body for message in mails_to("jens@example.org"))
    assert any(f"/kommentare/{jens.pk}/" in message.body for message in mails_to("maria@example.org"))


def test_a_comment_is_claimed_for_announcement_once(subscribed, committed):
    """The claim is the UPDATE's own condition: a second approval that read the comment as unannounced
    before the first committed changes no row and queues nothing."""
    reply = PostCommentFactory(parent=subscribed, user_email="jens@example.org", status=Status.APPROVED)
    assert reply.is_public and reply.announced_at is None
    with committed():
        first = subscriptions.announce_public([reply.pk])
        second = subscriptions.announce_public([reply.pk])
    assert (first, second) == ([reply.pk], [])
    assert len(mails_to("maria@example.org")) == 1


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_the_parent_at_once_announce_the_reply_once(post, settings):
    """Two requests approve the same held comment in parallel (PostgreSQL: real row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no concurrent writers")
    maria = PostCommentFactory(post=post, user_email="maria@example.org", status=Status.APPROVED)
    confirmed_subscriber(maria)
    jens = PostCommentFactory(parent=maria, user_email="jens@example.org")
    kai = PostCommentFactory(parent=jens, user_email="kai@example.org", status=Status.APPROVED)
    confirmed_subscriber(kai)
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def approve_in_own_connection():
        try:
            barrier.wait(timeout=10)
            lifecycle.apply(PostComment.objects.get(pk=jens.pk), "approve")
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_in_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(mails_to("maria@example.org")) == 2  # Jens's reply and Kai's, once each
    assert len(mails_to("kai@example.org")) == 1


def test_the_migration_counts_what_the_old_rule_had_announced_as_announced(post):
    """comments.0007: approved and withdrawn comments, and any that left the approved state, are marked;
    held comments and spam that never was approved wait for their approval."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("comments.migrations.0007_wptags_announced_at")
    approved = PostCommentFactory(post=post, status=Status.APPROVED)
    withdrawn = PostCommentFactory(post=post, status=Status.WITHDRAWN)
    spam_after_approval = PostCommentFactory(post=post)
    approve(spam_after_approval)
    lifecycle.apply(spam_after_approval, "spam")
    held = PostCommentFactory(post=post)
    spam = PostCommentFactory(post=post, status=Status.SPAM)
    PostComment.objects.update(announced_at=None)

    migration.mark_announced(apps, None)

    marked = set(PostComment.objects.filter(announced_at__isnull=False).values_list("pk", flat=True))
    assert marked == {approved.pk, withdrawn.pk, spam_after_approval.pk}
    assert held.pk not in marked and spam.pk not in marked
