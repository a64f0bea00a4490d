"""Background tasks (django-tasks): the comment e-mails.

Task arguments are ids (and plain codes), never an e-mail address, on the first call and on every retry:
a queued task is a row in the database backend's table (kept after it ran, until
`prune_db_task_results`), and the address is looked up when the task runs. An address erased meanwhile
(`erase_comments`, an ended subscription, a moderator's or author's address removed) gets nothing.

django-tasks 0.12 does not retry on its own. A message that fails with a mail-server error (SMTPException,
OSError) is tried again later, up to MAX_ATTEMPTS times with growing pauses, by queueing the task again for
the recipients still waiting, by their ids (`run_after`; the database backend in production supports it).
The immediate backend of dev and tests runs tasks inside the request and cannot defer: there a failure is
logged and not retried, so a dead mail server never holds up a reader. Nothing a task raises reaches the reader either way.
"""

import contextlib
import datetime
import logging
import smtplib

from django_tasks import task

from django.core.mail import get_connection
from django.utils import timezone

from comments import notifications
from comments.models import PostComment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_DELAYS = [datetime.timedelta(minutes=1), datetime.timedelta(minutes=10)]


@task()
def notify_moderators(comment_id, attempt=1, recipient_ids=None):
    """Tell the moderators who may decide on it (comments/notifications.py) that a comment waits
    (`recipient_ids`: the accounts a retry is for)."""
    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        if comment is None or not notifications.is_held(comment):
            return 0  # decided (or deleted) before the mail went out: nothing to ask
        users = notifications.moderator_recipients(comment, only=recipient_ids)
        return deliver(notify_moderators, comment_id, attempt, notifications.moderator_messages(comment, users))
    except Exception:
        logger.exception("Moderator notification for comment %s failed", comment_id)
        return 0


@task()
def notify_authors(comment_id, attempt=1, recipient_ids=None):
    """Tell the post's authors that a comment on it was approved (`recipient_ids`: author ids, on a retry)."""
    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        page = notifications.post_of(comment) if comment else None
        if page is None:
            return 0
        authors = notifications.author_recipients(page, only=recipient_ids)
        return deliver(notify_authors, comment_id, attempt, notifications.author_messages(comment, authors))
    except Exception:
        logger.exception("Author notification for comment %s failed", comment_id)
        return 0


def deliver(task_, object_id, attempt, messages):
    """Send each (recipient id, message) on its own over one connection; queue a retry for the recipient
    ids whose message the mail server refused (ids, never their addresses)."""
    failed = []
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.warning("Mail server unreachable (attempt %s of %s)", attempt, MAX_ATTEMPTS, exc_info=True)
        failed = [recipient_id for recipient_id, _message in messages]
    else:
        try:
            for recipient_id, message in messages:
                message.connection = connection
                try:
                    sent += message.send()
                except (smtplib.SMTPException, OSError):
                    logger.warning("Could not send %r (attempt %s)", message.subject, attempt, exc_info=True)
                    failed.append(recipient_id)
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    if failed:
        retry_later(task_, (object_id,), attempt, recipient_ids=failed)
    return sent


def retry_later(task_, args, attempt, **kwargs):
    """Queue the task again after the next pause with the same ids (and `kwargs`, ids too); give up after
    MAX_ATTEMPTS, or at once where the backend cannot defer."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("Giving up on %s %s after %s attempts", task_.name, list(args), attempt)
    elif not task_.get_backend().supports_defer:
        logger.error("%s %s failed; this task backend cannot retry later", task_.name, list(args))
    else:
        run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        task_.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)


def send_alone(task_, args, attempt, message):
    """Send one message; on a mail-server error queue the same task again later with the same `args`
    (ids only, never the address, which the task looks up again)."""
    try:
        return message.send()
    except (smtplib.SMTPException, OSError):
        logger.warning("Could not send %r (attempt %s of %s)", message.subject, attempt, MAX_ATTEMPTS, exc_info=True)
    retry_later(task_, args, attempt)
    return 0


# --- Reader mails (comments/subscriptions.py) ---------------------------------------------------


@task()
def send_subscription_confirmation(subscription_id, attempt=1):
    """The double opt-in: one mail with the confirmation link, nothing else before it is followed."""
    from comments import subscriptions
    from comments.models import ReplySubscription

    try:
        subscription = ReplySubscription.objects.select_related("comment").filter(pk=subscription_id).first()
        if subscription is None or subscription.is_confirmed or subscription.comment.status == "spam":
            return 0  # ended (unsubscribed, erased) or confirmed meanwhile
        if not subscription.comment.user_email:
            return 0
        message = subscriptions.confirmation_message(subscription)
        return send_alone(send_subscription_confirmation, (subscription_id,), attempt, message)
    except Exception:
        logger.exception("Subscription confirmation %s failed", subscription_id)
        return 0


@task()
def notify_reply_subscribers(comment_id, attempt=1, recipient_ids=None):
    """A reply became public: tell the confirmed subscribers of the comments above it (queued once per
    reply, by subscriptions.announce_public). `recipient_ids`: the subscriptions a retry is for; one ended
    or erased meanwhile gets nothing."""
    from comments import subscriptions

    try:
        reply = PostComment.objects.filter(pk=comment_id).first()
        if reply is None or not reply.is_public:
            return 0
        messages = [
            (subscription.pk, subscriptions.reply_message(subscription, reply))
            for subscription in subscriptions.reply_recipients(reply).values()
            if recipient_ids is None or subscription.pk in recipient_ids
        ]
        return deliver(notify_reply_subscribers, comment_id, attempt, messages)
    except Exception:
        logger.exception("Reply notification for comment %s failed", comment_id)
        return 0


@task()
def notify_commenter_approved(comment_id, attempt=1):
    """ "Dein Kommentar wurde freigegeben", to a confirmed subscriber, if the site wants it."""
    from wagtail.models import Site

    from comments import subscriptions
    from comments.models import CommentSettings, ReplySubscription

    try:
        subscription = (
            ReplySubscription.objects.select_related("comment")
            .filter(comment_id=comment_id, confirmed_at__isnull=False)
            .first()
        )
        if subscription is None or not subscription.comment.is_public or not subscription.comment.user_email:
            return 0
        page = notifications.post_of(subscription.comment)
        site = (page.get_site() if page else None) or Site.objects.filter(is_default_site=True).first()
        if page is None or site is None or not CommentSettings.for_site(site).notify_commenters_on_approval:
            return 0
        message = subscriptions.approved_message(subscription)
        return send_alone(notify_commenter_approved, (comment_id,), attempt, message)
    except Exception:
        logger.exception("Approval mail to the commenter of %s failed", comment_id)
        return 0


# --- Moderation mails with one recipient ---------------------------------------------------------


@task()
def send_statement_of_reasons(comment_id, reason, attempt=1):
    """DSA Art. 17: the statement of reasons to the writer of a removed comment, only if they left an
    address, and only while the comment is still removed (taken back meanwhile: nothing to explain)."""
    from comments import reports
    from comments.models import REMOVED_STATUSES

    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        if comment is None or comment.status not in REMOVED_STATUSES:
            return 0
        message = reports.statement_message(comment, reason)
        if message is None:
            return 0
        return send_alone(send_statement_of_reasons, (comment_id, reason), attempt, message)
    except Exception:
        logger.exception("Statement of reasons for comment %s failed", comment_id)
        return 0


@task()
def send_moderation_digest(user_id, hours, attempt=1):
    """The daily digest to one moderator (by account id): what has waited longer than `hours` now."""
    from comments.admin.permissions import moderators

    try:
        user = moderators().filter(pk=user_id).first()
        if user is None or not user.email:
            return 0  # no longer a moderator, or no address
        message = notifications.digest_message(hours, user)
        if message is None:
            return 0  # decided meanwhile: nothing waits that long any more
        return send_alone(send_moderation_digest, (user_id, hours), attempt, message)
    except Exception:
        logger.exception("Moderation digest for user %s failed", user_id)
        return 0
