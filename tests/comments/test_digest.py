"""The daily digest: each moderator hears of comments that waited longer than N hours."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments.factories import PostCommentFactory, make_staff
from comments.models import Status


def run(*args):
    call_command("send_moderation_digest", *args, stdout=StringIO())


def test_each_moderator_gets_one_digest_of_the_comments_waiting_too_long(post):
    make_staff("mod1", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de")
    make_staff("mod2", groups=["Moderatoren"], email="mod2@wir-leben-eifel.de")
    make_staff("redakteur", groups=["Editors"], email="red@wir-leben-eifel.de")
    old = timezone.now() - datetime.timedelta(hours=30)
    PostCommentFactory(post=post, submit_date=old, comment="Wartet lange", user_email="leser@example.org")
    PostCommentFactory(post=post, comment="Gerade gekommen")
    PostCommentFactory(post=post, submit_date=old, status=Status.APPROVED, comment="Schon frei")

    run()

    assert sorted(message.to[0] for message in mail.outbox) == ["mod1@wir-leben-eifel.de", "mod2@wir-leben-eifel.de"]
    body = mail.outbox[0].body
    assert "1 Kommentar wartet seit über 24 Stunden" in mail.outbox[0].subject
    assert "Wartet lange" in body
    assert "Gerade gekommen" not in body and "Schon frei" not in body
    assert "leser@example.org" not in body


def test_no_digest_when_nothing_waits_that_long(post):
    make_staff("mod1", groups=["Moderatoren"], email="mod1@wir-leben-eifel.de")
    PostCommentFactory(post=post, submit_date=timezone.now() - datetime.timedelta(hours=5))
    run()
    assert mail.outbox == []
    run("--hours", "4")
    assert len(mail.outbox) == 1
