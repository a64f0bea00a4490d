"""Background tasks (django-tasks): the comment e-mails.

Task arguments are ids (and plain codes), never an e-mail address: a queued task is a row in the
database backend's table, and the address is looked up when the task runs (an address erased meanwhile
gets nothing). The statement of reasons and the moderation digest keep to this on retries too.

django-tasks 0.12 does not retry on its own. A message that fails with a mail-server error (SMTPException,
OSError) is tried again later, up to MAX_ATTEMPTS times with growing pauses, by queueing the task again for
the recipients still waiting (`run_after`; the database backend in production supports it). The immediate
backend of dev and tests runs tasks inside the request and cannot defer: there a failure is logged and not
retried, so a dead mail server never holds up a reader. Nothing a task raises reaches the reader either way.
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
def notify_moderators(comment_id, attempt=1, recipients=None):
    """Tell the moderators who may decide on it (comments/notifications.py) that a comment waits."""
    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        if comment is None or not notifications.is_held(comment):
            return 0  # decided (or deleted) before the mail went out: nothing to ask
        if recipients is None:
            recipients = sorted({user.email for user in notifications.moderators_for(comment) if user.email})
        messages = notifications.moderator_messages(comment, recipients)
        return deliver(notify_moderators, comment_id, attempt, messages)
    except Exception:
        logger.exception("Moderator notification for comment %s failed", comment_id)
        return 0


@task()
def notify_authors(comment_id, attempt=1, recipients=None):
    """Tell the post's authors that a comment on it was approved."""
    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        page = notifications.post_of(comment) if comment else None
        if page is None:
            return 0
        if recipients is None:
            recipients = sorted({author.email for author in getattr(page, "authors", []) if author.email})
        messages = notifications.author_messages(comment, recipients)
        return deliver(notify_authors, comment_id, attempt, messages)
    except Exception:
        logger.exception("Author notification for comment %s failed", comment_id)
        return 0


def deliver(task_, comment_id, attempt, messages):
    """Send each message on its own; queue a retry for those the mail server refused."""
    failed = []
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.warning("Mail server unreachable (attempt %s of %s)", attempt, MAX_ATTEMPTS, exc_info=True)
        failed = [message.to[0] for message in messages]
    else:
        try:
            for message in messages:
                message.connection = connection
                try:
                    sent += message.send()
                except (smtplib.SMTPException, OSError):
                    logger.warning("Could not send %r (attempt %s)", message.subject, attempt, exc_info=True)
                    failed.append(message.to[0])
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    if failed:
        schedule_retry(task_, comment_id, attempt, failed)
    return sent


def schedule_retry(task_, comment_id, attempt, recipients):
    if attempt >= MAX_ATTEMPTS:
        logger.error("Giving up on %s for comment %s after %s attempts", task_.name, comment_id, attempt)
        return
    if not task_.get_backend().supports_defer:
        logger.error("%s for comment %s failed; this task backend cannot retry later", task_.name, comment_id)
        return
    run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
    task_.using(run_after=run_after).enqueue(comment_id, attempt=attempt + 1, recipients=recipients)


# --- Reader mails (comments/subscriptions.py) ---------------------------------------------------


@task()
def send_subscription_confirmation(subscription_id, attempt=1, recipients=None):
    """The double opt-in: one mail with the confirmation link, nothing else before it is followed."""
    from comments import subscriptions
    from comments.models import ReplySubscription

    try:
        subscription = ReplySubscription.objects.select_related("comment").filter(pk=subscription_id).first()
        if subscription is None or subscription.is_confirmed or subscription.comment.status == "spam":
            return 0
        messages = [subscriptions.confirmation_message(subscription)]
        return deliver(send_subscription_confirmation, subscription_id, attempt, only_to(messages, recipients))
    except Exception:
        logger.exception("Subscription confirmation %s failed", subscription_id)
        return 0


@task()
def notify_reply_subscribers(comment_id, attempt=1, recipients=None):
    """A reply became public: tell the confirmed subscribers of the comments above it (queued once per
    reply, by subscriptions.announce_public)."""
    from comments import subscriptions

    try:
        reply = PostComment.objects.filter(pk=comment_id).first()
        if reply is None or not reply.is_public:
            return 0
        messages = [
            subscriptions.reply_message(subscription, reply)
            for subscription in subscriptions.reply_recipients(reply).values()
        ]
        return deliver(notify_reply_subscribers, comment_id, attempt, only_to(messages, recipients))
    except Exception:
        logger.exception("Reply notification for comment %s failed", comment_id)
        return 0


@task()
def notify_commenter_approved(comment_id, attempt=1, recipients=None):
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
        if subscription is None or not subscription.comment.is_public:
            return 0
        page = notifications.post_of(subscription.comment)
        site = (page.get_site() if page else None) or Site.objects.filter(is_default_site=True).first()
        if page is None or site is None or not CommentSettings.for_site(site).notify_commenters_on_approval:
            return 0
        messages = [subscriptions.approved_message(subscription)]
        return deliver(notify_commenter_approved, comment_id, attempt, only_to(messages, recipients))
    except Exception:
        logger.exception("Approval mail to the commenter of %s failed", comment_id)
        return 0


def only_to(messages, recipients):
    """On a retry, only the messages to the addresses still waiting."""
    if recipients is None:
        return messages
    waiting = set(recipients)
    return [message for message in messages if message.to[0] in waiting]


# --- One recipient, looked up when the task runs -------------------------------------------------


def send_alone(task_, args, attempt, message):
    """Send one message; on a mail-server error queue the same task again later with the same `args`
    (ids only, never the address, which the task looks up again)."""
    try:
        return message.send()
    except (smtplib.SMTPException, OSError):
        logger.warning("Could not send %r (attempt %s of %s)", message.subject, attempt, MAX_ATTEMPTS, exc_info=True)
    if attempt >= MAX_ATTEMPTS:
        logger.error("Giving up on %s %s after %s attempts", task_.name, list(args), attempt)
    elif not task_.get_backend().supports_defer:
        logger.error("%s %s failed; this task backend cannot retry later", task_.name, list(args))
    else:
        run_after = timezone.now() + RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
        task_.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
    return 0


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
