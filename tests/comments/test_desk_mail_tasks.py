"""The statement of reasons and the daily digest go through the task queue like the other mails: ids
only in the task's arguments (the address is looked up when the task runs), retried on mail-server errors."""

import datetime
import json
import smtplib
from io import StringIO

import pytest
from django_tasks import default_task_backend

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from comments import lifecycle, tasks
from comments.factories import PostCommentFactory, make_staff
from comments.models import Report, ReportDecision, Status

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
READER = "schreiberin@example.org"


def our_results():
    return [result for result in default_task_backend.results if result.task.module_path.startswith("comments.")]


def no_address_in(result):
    return "@" not in json.dumps([result.args, result.kwargs])


@pytest.fixture
def reported(post):
    comment = PostCommentFactory(post=post, status=Status.APPROVED, user_email=READER, comment="Alle sind Idioten.")
    Report.objects.create(comment=comment, comment_number=comment.pk, reason="insult")
    return comment


def remove(client, comment):
    return client.post(reverse("comment_moderation:report_decision", args=[comment.pk, ReportDecision.REMOVED]))


@override_settings(TASKS=DUMMY_TASKS)
def test_the_statement_of_reasons_is_queued_after_the_commit_with_ids_only(
    moderator_client, reported, django_capture_on_commit_callbacks
):
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        remove(moderator_client, reported)
    assert our_results() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [result] = [result for result in our_results() if result.task.func is tasks.send_statement_of_reasons.func]
    assert result.args == [reported.pk, "insult"]
    assert no_address_in(result)
    assert mail.outbox == []  # queued, not sent in the moderator's request


def test_the_statement_task_looks_the_address_up_when_it_runs(moderator_client, reported, committed):
    with committed():
        remove(moderator_client, reported)
    (message,) = mail.outbox
    assert message.to == [READER]
    assert "Grund der Meldung: Beleidigung" in message.body


def test_no_statement_when_the_address_was_erased_or_the_removal_taken_back_before_the_task_ran(post, moderator):
    erased = PostCommentFactory(post=post, status=Status.TRASH, user_email="")
    assert tasks.send_statement_of_reasons.call(erased.pk, "insult") == 0
    restored = PostCommentFactory(post=post, status=Status.TRASH, user_email=READER)
    lifecycle.apply(restored, "restore", moderator)
    assert tasks.send_statement_of_reasons.call(restored.pk, "insult") == 0
    assert tasks.send_statement_of_reasons.call(restored.pk + 1000, "insult") == 0
    assert mail.outbox == []


@override_settings(TASKS=DUMMY_TASKS)
def test_a_failed_statement_is_retried_with_ids_only_and_given_up_after_the_last_attempt(post, monkeypatch, caplog):
    comment = PostCommentFactory(post=post, status=Status.TRASH, user_email=READER)
    default_task_backend.clear()
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected("gone")),
    )
    assert tasks.send_statement_of_reasons.call(comment.pk, "spam") == 0
    [retry] = our_results()
    assert retry.args == [comment.pk, "spam"] and retry.kwargs == {"attempt": 2}
    assert retry.task.run_after is not None
    assert no_address_in(retry)
    default_task_backend.clear()
    tasks.send_statement_of_reasons.call(comment.pk, "spam", attempt=tasks.MAX_ATTEMPTS)
    assert our_results() == []
    assert "Giving up" in caplog.text


@pytest.fixture
def waiting(post):
    old = timezone.now() - datetime.timedelta(hours=30)
    return PostCommentFactory(post=post, submit_date=old, comment="Wartet lange", user_email="leser@example.org")


@override_settings(TASKS=DUMMY_TASKS)
def test_the_digest_queues_one_task_per_moderator_address_with_the_account_id_only(waiting):
    first = make_staff("mod1", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de")
    make_staff("mod1b", groups=["Moderatoren"], email="MOD1@wir-leben-eifel.de")  # same address: one digest
    second = make_staff("mod2", groups=["Moderatoren"], email="mod2@wir-leben-eifel.de")
    make_staff("ohne", groups=["Moderatoren"], email="")
    default_task_backend.clear()
    out = StringIO()
    call_command("send_moderation_digest", stdout=out)
    results = our_results()
    assert sorted(result.args for result in results) == [[first.pk, 24], [second.pk, 24]]
    assert all(no_address_in(result) for result in results)
    assert "Übersicht für 2 Empfänger" in out.getvalue()
    assert mail.outbox == []


def test_the_digest_task_looks_the_moderator_up_when_it_runs(waiting, post):
    moderator = make_staff("mod1", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de")
    editor = make_staff("red", groups=["Editors"], email="red@wir-leben-eifel.de")
    assert tasks.send_moderation_digest.call(editor.pk, 24) == 0  # not a moderator (any more)
    assert tasks.send_moderation_digest.call(moderator.pk, 24) == 1
    (message,) = mail.outbox
    assert message.to == ["mod1@wir-leben-eifel.de"]
    assert "Wartet lange" in message.body and "leser@example.org" not in message.body
    lifecycle.apply(waiting, "approve", moderator)
    assert tasks.send_moderation_digest.call(moderator.pk, 24) == 0  # decided meanwhile: nothing to tell
    assert len(mail.outbox) == 1


@override_settings(TASKS=DUMMY_TASKS)
def test_a_failed_digest_is_retried_with_the_account_id_only(waiting, monkeypatch):
    moderator = make_staff("mod1", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de")
    default_task_backend.clear()
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(OSError("Network is unreachable")),
    )
    assert tasks.send_moderation_digest.call(moderator.pk, 24) == 0
    [retry] = our_results()
    assert retry.args == [moderator.pk, 24] and retry.kwargs == {"attempt": 2}
    assert no_address_in(retry)
