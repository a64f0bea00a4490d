"""Every comment mail task keeps ids only in the task queue's table, on the first call and on every retry
(issue 15: store as little personal data as the feature needs). The tasks run here on the database
backend production uses (django_tasks_db), through the worker's own run step; the mail server refuses
one message once, and the retry finds the address again when it runs, or sends nothing when the address
was erased meanwhile."""

import json
import smtplib
from io import StringIO

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from blog.factories import AuthorFactory
from blog.models import BlogPostAuthor
from comments import lifecycle, tasks
from comments.factories import PostCommentFactory, make_staff
from comments.models import CommentSettings, PostComment, ReplySubscription, Status

from .conftest import approve

READER = "maria@example.org"
OTHER_READER = "jens@example.org"


@pytest.fixture
def queue(settings):
    """The database task backend of production: queued tasks are rows in its table."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def refuse_once(monkeypatch):
    """`refuse_once(address)`: the mail server refuses the next message to that address once (451)."""
    waiting = set()
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in waiting:
                waiting.discard(message.to[0])
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"Try again later")})
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return waiting.add


def rows():
    return list(DBTaskResult.objects.filter(task_path__startswith="comments.").order_by("enqueued_at"))


def assert_ids_only():
    """No stored task (arguments, result, error) holds an address."""
    assert rows()
    for row in rows():
        assert "@" not in json.dumps([row.args_kwargs, row.return_value, row.traceback]), row.task_path


def run_due():
    """What `manage.py db_worker` does with each task that is due (its loop also closes the database
    connection between tasks, which the test's transaction cannot allow)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for _ in range(20):
        row = DBTaskResult.objects.ready().filter(task_path__startswith="comments.").first()
        if row is None:
            return
        row.claim(worker.worker_id)
        worker.run_task(row)
    raise AssertionError("the queue does not run dry")


def retry_of(task):
    """The one retry waiting for `task`, made due now (it was queued for later)."""
    [row] = [
        row for row in rows() if row.task_path == task.module_path and row.args_kwargs["kwargs"].get("attempt") == 2
    ]
    ready = [row for row in DBTaskResult.objects.ready() if row.task_path.startswith("comments.")]
    assert ready == [], "a retry waits for its pause"
    assert row.status == TaskResultStatus.READY and row.run_after > timezone.now()
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())
    return row


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def assert_one_recipient_each():
    for message in mail.outbox:
        assert len(message.recipients()) == 1 and not message.cc and not message.bcc


def all_successful():
    return {row.status for row in rows()} == {TaskResultStatus.SUCCESSFUL}


# --- Staff mails ----------------------------------------------------------------------------------


@pytest.fixture
def moderators(db):
    return [
        make_staff("moderatorin", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de"),
        make_staff("moderator", groups=["Moderatoren"], email="mod2@wir-leben-eifel.de"),
    ]


@pytest.mark.parametrize("erased", [False, True], ids=["retried", "address-removed-meanwhile"])
def test_moderator_mail_retries_carry_the_account_id(
    queue, post, moderators, post_comment, committed, refuse_once, erased
):
    first, second = moderators
    with committed():
        post_comment(post, email=READER, comment="Bitte prüfen")
    comment = PostComment.objects.get()
    refuse_once(first.email)
    run_due()
    assert [message.to for message in mail.outbox] == [[second.email]]
    retry = retry_of(tasks.notify_moderators)
    assert retry.args_kwargs == {"args": [comment.pk], "kwargs": {"attempt": 2, "recipient_ids": [first.pk]}}
    assert_ids_only()
    if erased:
        first.email = ""
        first.save()
    run_due()
    assert all_successful()
    assert len(mails_to(first.email)) == (0 if erased else 1)
    assert len(mails_to(second.email)) == 1  # the retry is for the waiting moderator only
    assert len(mail.outbox) == (1 if erased else 2)
    assert_one_recipient_each()
    assert_ids_only()


def test_a_moderator_who_lost_the_permission_before_the_retry_gets_nothing(
    queue, post, moderators, post_comment, committed, refuse_once
):
    first, _second = moderators
    with committed():
        post_comment(post, email=READER)
    refuse_once(first.email)
    run_due()
    assert retry_of(tasks.notify_moderators).args_kwargs["kwargs"]["recipient_ids"] == [first.pk]
    first.groups.clear()
    run_due()
    assert mails_to(first.email) == []


@pytest.mark.parametrize("erased", [False, True], ids=["retried", "address-removed-meanwhile"])
def test_author_mail_retries_carry_the_author_id(queue, post, moderators, committed, refuse_once, erased):
    site = post.get_site()
    rules = CommentSettings.for_site(site)
    rules.notify_authors_on_approval = True
    rules.save()
    klaus = post.authors[0]
    klaus.email = "klaus@wir-leben-eifel.de"
    klaus.save()
    petra = AuthorFactory(name="Petra Klein", slug="petra-klein", email="petra@wir-leben-eifel.de")
    BlogPostAuthor.objects.create(page=post, author=petra, sort_order=1)
    comment = PostCommentFactory(post=post, user_email=READER, comment="Toll!")
    with committed():
        lifecycle.apply(comment, "approve", moderators[0])
    refuse_once(petra.email)
    run_due()
    assert [message.to for message in mail.outbox] == [[klaus.email]]
    retry = retry_of(tasks.notify_authors)
    assert retry.args_kwargs == {"args": [comment.pk], "kwargs": {"attempt": 2, "recipient_ids": [petra.pk]}}
    assert_ids_only()
    if erased:
        petra.email = ""
        petra.save()
    run_due()
    assert all_successful()
    assert len(mails_to("petra@wir-leben-eifel.de")) == (0 if erased else 1)
    assert len(mails_to(klaus.email)) == 1
    assert_one_recipient_each()
    assert_ids_only()


# --- Reader mails ---------------------------------------------------------------------------------


def erase(address):
    """`manage.py erase_comments ADDRESS --mode anonymise`: the address and its subscriptions are gone."""
    call_command("erase_comments", address, mode="anonymise", stdout=StringIO())


@pytest.mark.parametrize("erased", [False, True], ids=["retried", "erased-meanwhile"])
def test_confirmation_mail_retries_carry_the_subscription_id(queue, post, post_comment, committed, refuse_once, erased):
    with committed():
        post_comment(post, email=READER, notify_replies="on")
    subscription = ReplySubscription.objects.get()
    refuse_once(READER)
    run_due()
    assert mails_to(READER) == []
    retry = retry_of(tasks.send_subscription_confirmation)
    assert retry.args_kwargs == {"args": [subscription.pk], "kwargs": {"attempt": 2}}
    assert_ids_only()
    if erased:
        erase(READER)
    run_due()
    assert all_successful()
    if erased:
        assert mails_to(READER) == [] and mail.outbox == []
    else:
        (message,) = mails_to(READER)
        assert f"/kommentare/benachrichtigung/{subscription.token}/bestaetigen/" in message.body
    assert_ids_only()


@pytest.fixture
def two_subscribers(post):
    """Maria's comment and Jens's reply to it, both with a confirmed subscription."""
    maria = PostCommentFactory(post=post, status=Status.APPROVED, user_email=READER)
    jens = PostCommentFactory(parent=maria, status=Status.APPROVED, user_email=OTHER_READER)
    for comment in (maria, jens):
        ReplySubscription.objects.create(comment=comment, confirmed_at=timezone.now())
    return maria, jens


@pytest.mark.parametrize("erased", [False, True], ids=["retried", "erased-meanwhile"])
def test_reply_mail_retries_carry_the_subscription_id(queue, two_subscribers, committed, refuse_once, erased):
    maria, jens = two_subscribers
    reply = PostCommentFactory(parent=jens, user_email="dritte@example.org", comment="Hier die Antwort.")
    with committed():
        approve(reply)
    refuse_once(READER)
    run_due()
    assert [message.to for message in mail.outbox] == [[OTHER_READER]]
    retry = retry_of(tasks.notify_reply_subscribers)
    waiting = maria.reply_subscription.pk
    assert retry.args_kwargs == {"args": [reply.pk], "kwargs": {"attempt": 2, "recipient_ids": [waiting]}}
    assert_ids_only()
    if erased:
        erase(READER)
    run_due()
    assert all_successful()
    assert len(mails_to(READER)) == (0 if erased else 1)
    assert len(mails_to(OTHER_READER)) == 1  # not twice
    assert_one_recipient_each()
    assert_ids_only()


@pytest.mark.parametrize("ended", ["retried", "erased", "unsubscribed"])
def test_approval_mail_retries_carry_the_comment_id(queue, post, committed, refuse_once, ended):
    comment = PostCommentFactory(post=post, user_email=READER, comment="Mein erster Kommentar")
    subscription = ReplySubscription.objects.create(comment=comment, confirmed_at=timezone.now())
    with committed():
        approve(comment)
    refuse_once(READER)
    run_due()
    assert mail.outbox == []
    retry = retry_of(tasks.notify_commenter_approved)
    assert retry.args_kwargs == {"args": [comment.pk], "kwargs": {"attempt": 2}}
    assert_ids_only()
    if ended == "erased":
        erase(READER)
    elif ended == "unsubscribed":
        subscription.delete()
    run_due()
    assert all_successful()
    if ended == "retried":
        (message,) = mail.outbox
        assert message.to == [READER] and "wurde freigegeben" in message.subject
    else:
        assert mail.outbox == []
    assert_ids_only()
