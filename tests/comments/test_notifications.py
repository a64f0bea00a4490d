"""E-mails about comments: moderators hear of held comments, authors (optionally) of approved ones."""

import smtplib

import pytest
from django_tasks import default_task_backend

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from blog.factories import AuthorFactory
from blog.models import BlogPostAuthor
from comments import lifecycle, tasks
from comments.factories import PostCommentFactory, make_staff
from comments.models import CommentSettings, PostComment, Status

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def moderators(db):
    return [
        make_staff("moderatorin", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de"),
        make_staff("moderator", groups=["Moderatoren"], email="mod2@wir-leben-eifel.de"),
    ]


def test_reader_comment_held_sends_each_moderator_a_mail_of_their_own(post, moderators, post_comment, committed):
    with committed():
        response = post_comment(post, name="Maria Musterfrau", email="maria@example.org", comment="Schöne Gegend!")
    assert response.status_code in (200, 302, 303)
    comment = PostComment.objects.get()
    assert not comment.is_public
    assert len(mail.outbox) == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["mod1@wir-leben-eifel.de", "mod2@wir-leben-eifel.de"]
    for message in mail.outbox:
        assert len(message.to) == 1
        assert not message.cc and not message.bcc
        assert message.subject == "[WIR. LEBEN. EIFEL.] Bitte moderiere: „Ein Beitrag aus der Eifel“"
        assert "Schöne Gegend!" in message.body
        assert "Maria Musterfrau" in message.body
        assert "maria@example.org" in message.body
        assert f"http://testserver{reverse('comment_moderation:index')}?status=pending&post={post.pk}" in message.body


def test_no_mail_goes_to_readers_editors_or_plain_staff(post, moderators, post_comment, committed):
    make_staff("redakteurin", groups=["Editors"], email="redaktion@wir-leben-eifel.de")
    make_staff("praktikant", email="praktikant@wir-leben-eifel.de")
    with committed():
        post_comment(post, email="maria@example.org")
    recipients = {address for message in mail.outbox for address in message.recipients()}
    assert recipients == {"mod1@wir-leben-eifel.de", "mod2@wir-leben-eifel.de"}


def test_comments_that_need_no_decision_send_no_mail(post, moderators, committed):
    with committed():
        PostCommentFactory(post=post, status=Status.APPROVED)
        PostCommentFactory(post=post, status=Status.SPAM)
    assert mail.outbox == []


@override_settings(TASKS=DUMMY_TASKS)
def test_notification_is_queued_as_a_task_after_the_commit(
    post, moderators, post_comment, django_capture_on_commit_callbacks
):
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_comment(post, comment="Bitte prüfen")
    comment = PostComment.objects.get()
    ours = [result for result in default_task_backend.results if result.task.module_path.startswith("comments.")]
    assert ours == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [result] = [result for result in default_task_backend.results if result.task.module_path.startswith("comments.")]
    assert result.task.func is tasks.notify_moderators.func
    assert result.args == [comment.pk]


def test_a_failing_mail_server_loses_neither_the_comment_nor_the_reader(
    post, moderators, post_comment, monkeypatch, committed, caplog
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with committed():
        response = post_comment(post, comment="Trotz Mailausfall gespeichert")
    assert "Could not send" in caplog.text
    assert response.status_code in (200, 302, 303)
    assert PostComment.objects.filter(comment="Trotz Mailausfall gespeichert").exists()
    assert mail.outbox == []


@override_settings(TASKS=DUMMY_TASKS)
def test_failed_mail_is_retried_later_for_the_waiting_recipients_only(post, moderators, monkeypatch):
    comment = PostCommentFactory.build(post=post)
    comment.save()
    default_task_backend.clear()
    sent = []

    def flaky(self, messages):
        if messages[0].to == ["mod1@wir-leben-eifel.de"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        sent.extend(messages)
        return len(messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", flaky)
    assert tasks.notify_moderators.call(comment.pk) == 1
    assert [message.to for message in sent] == [["mod2@wir-leben-eifel.de"]]
    [retry] = [result for result in default_task_backend.results if result.task.module_path.startswith("comments.")]
    assert retry.kwargs == {"attempt": 2, "recipient_ids": [moderators[0].pk]}  # the account, not the address
    assert retry.task.run_after is not None


@override_settings(TASKS=DUMMY_TASKS)
def test_retries_stop_after_the_last_attempt(post, moderators, monkeypatch, caplog):
    comment = PostCommentFactory(post=post)
    default_task_backend.clear()
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(OSError("Network is unreachable")),
    )
    tasks.notify_moderators.call(comment.pk, attempt=tasks.MAX_ATTEMPTS)
    assert not [result for result in default_task_backend.results if result.task.module_path.startswith("comments.")]
    assert "Giving up" in caplog.text


def test_no_mail_if_the_comment_was_decided_before_the_task_ran(post, moderators):
    comment = PostCommentFactory.build(post=post, status=Status.APPROVED)
    comment.save()
    mail.outbox.clear()
    assert tasks.notify_moderators.call(comment.pk) == 0
    assert mail.outbox == []


@pytest.fixture
def authors_notified(post, home_page):
    settings = CommentSettings.for_site(home_page.get_site())
    settings.notify_authors_on_approval = True
    settings.save()
    author = post.authors[0]
    author.email = "klaus@wir-leben-eifel.de"
    author.save()
    return author


def test_approval_mails_the_post_authors_without_the_readers_address(post, authors_notified, moderators, committed):
    second_author = AuthorFactory(name="Petra Klein", slug="petra-klein", email="petra@wir-leben-eifel.de")
    BlogPostAuthor.objects.create(page=post, author=second_author, sort_order=1)
    comment = PostCommentFactory(post=post, user_name="Maria", user_email="maria@example.org", comment="Toll!")
    mail.outbox.clear()
    with committed():
        lifecycle.apply(comment, "approve", moderators[0])
    assert sorted(message.to[0] for message in mail.outbox) == ["klaus@wir-leben-eifel.de", "petra@wir-leben-eifel.de"]
    for message in mail.outbox:
        assert len(message.recipients()) == 1
        assert "Toll!" in message.body and "Maria" in message.body
        assert "maria@example.org" not in message.body
        assert "maria@example.org" not in str(message.message())


def test_no_author_mail_when_the_setting_is_off(post, moderators, committed):
    author = post.authors[0]
    author.email = "klaus@wir-leben-eifel.de"
    author.save()
    comment = PostCommentFactory(post=post)
    mail.outbox.clear()
    with committed():
        lifecycle.apply(comment, "approve", moderators[0])
    assert mail.outbox == []
