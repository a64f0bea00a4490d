"""Retention (delete_old_comments): spam and trash after N days, stale held comments after M days, audited."""

import datetime
from io import StringIO

import pytest

from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail.models import ModelLogEntry

from comments import lifecycle, rules
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def moved_at(comment, action, when):
    """`action` through the lifecycle, its audit entry dated `when`."""
    lifecycle.apply(comment, action)
    ModelLogEntry.objects.filter(object_id=str(comment.pk), action=f"comments.{action}").update(timestamp=when)


def run(*args):
    out = StringIO()
    call_command("delete_old_comments", *args, stdout=out)
    return out.getvalue()


def test_spam_and_trash_go_after_thirty_days_counted_from_when_they_were_put_there(post, comment_rules):
    old_spam = PostCommentFactory(post=post, submit_date=days_ago(60), user_email="spam@example.org")
    moved_at(old_spam, "spam", days_ago(31))
    recently_trashed = PostCommentFactory(post=post, submit_date=days_ago(60))
    moved_at(recently_trashed, "trash", days_ago(3))
    approved = PostCommentFactory(post=post, submit_date=days_ago(400), status=Status.APPROVED)

    output = run()

    assert not PostComment.objects.filter(pk=old_spam.pk).exists()
    assert PostComment.objects.filter(pk__in=[recently_trashed.pk, approved.pk]).count() == 2
    assert "1 Kommentare aus Spam und Papierkorb" in output
    assert ModelLogEntry.objects.filter(action="comments.expire", object_id=str(old_spam.pk)).exists()
    # The spam mark outlives the comment.
    assert rules.spam_marks("spam@example.org") == 1


def test_held_comments_nobody_decided_on_go_after_the_held_period(post, comment_rules):
    stale = PostCommentFactory(post=post, submit_date=days_ago(100))
    fresh = PostCommentFactory(post=post, submit_date=days_ago(10))
    comment_rules.delete_held_after_days = 90
    comment_rules.save()

    run()

    assert not PostComment.objects.filter(pk=stale.pk).exists()
    assert PostComment.objects.filter(pk=fresh.pk).exists()


def test_no_held_period_keeps_held_comments_and_options_override_the_settings(post, comment_rules):
    stale = PostCommentFactory(post=post, submit_date=days_ago(1000))
    comment_rules.delete_held_after_days = None
    comment_rules.save()
    run()
    assert PostComment.objects.filter(pk=stale.pk).exists()
    run("--held-days", "999")
    assert not PostComment.objects.filter(pk=stale.pk).exists()


def test_an_expired_comment_takes_its_replies_along(post, comment_rules):
    parent = PostCommentFactory(post=post, submit_date=days_ago(50))
    reply = PostCommentFactory(parent=parent, submit_date=days_ago(49))
    moved_at(parent, "trash", days_ago(40))
    moved_at(reply, "trash", days_ago(40))

    output = run()

    assert not PostComment.objects.filter(pk__in=[parent.pk, reply.pk]).exists()
    assert "1 Antworten mit ihnen" in output


def test_periods_under_a_day_are_refused(comment_rules):
    with pytest.raises(CommandError, match="mindestens einen Tag"):
        run("--removed-days", "0")


def test_used_mail_links_are_forgotten_once_the_links_have_expired(post, comment_rules):
    from comments import mail_links
    from comments.models import UsedMailLink

    old = UsedMailLink.objects.create(nonce="alt")
    UsedMailLink.objects.filter(pk=old.pk).update(
        used_at=timezone.now() - mail_links.LINK_MAX_AGE - datetime.timedelta(minutes=1)
    )
    recent = UsedMailLink.objects.create(nonce="frisch")
    UsedMailLink.objects.filter(pk=recent.pk).update(used_at=days_ago(2))

    output = run()

    assert list(UsedMailLink.objects.values_list("nonce", flat=True)) == ["frisch"]
    assert "1 benutzte E-Mail-Links gelöscht (älter als 3 Tage)." in output
    assert "0 benutzte E-Mail-Links gelöscht" in run()


def test_a_forgotten_used_link_is_still_refused_because_its_token_has_expired(post, comment_rules, monkeypatch):
    """Forgetting a used link never brings it back to life: by then the token itself has expired."""
    import time

    from django.core import signing

    from comments import mail_links
    from comments.factories import make_staff
    from comments.models import UsedMailLink

    moderator = make_staff("mod", groups=["Moderatoren"])
    comment = PostCommentFactory(post=post)
    four_days = 4 * 24 * 3600
    real_time = time.time
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real_time() - four_days)  # the link was mailed four days ago
        token = mail_links.make_token(comment, "approve", moderator)
    used = UsedMailLink.objects.create(nonce=signing.loads(token, salt=mail_links.SALT, max_age=None)["n"])
    UsedMailLink.objects.filter(pk=used.pk).update(used_at=days_ago(4))  # and used at once

    run()

    assert not UsedMailLink.objects.exists()
    with pytest.raises(mail_links.LinkInvalid, match="abgelaufen"):
        mail_links.read_token(token)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
