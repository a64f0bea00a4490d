"""Background tasks (django-tasks): the comment e-mails.

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
    """Tell every moderator that a comment waits for approval."""
    from comments.admin.permissions import moderators

    try:
        comment = PostComment.objects.filter(pk=comment_id).first()
        if comment is None or not notifications.is_held(comment):
            return 0  # decided (or deleted) before the mail went out: nothing to ask
        if recipients is None:
            recipients = sorted({user.email for user in moderators() if user.email})
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
