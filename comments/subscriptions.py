"""Reply notifications: "Benachrichtige mich über Antworten" under the comment form.

- **Double opt-in.** Ticking the box stores a `ReplySubscription` for the new comment and mails one
  confirmation link. Nothing else is ever sent to the address until the reader follows it. Each comment's
  subscription is confirmed on its own: an address confirmed before proves nothing about who typed it now.
  A comment the rules mark as spam gets no subscription and sends no mail.
- **Opaque links.** Every link in these mails carries only the subscription's random token
  (`/kommentare/benachrichtigung/<token>/…`): no address, no hash of one, no comment id.
- **Announced once, when it becomes public.** An approval (a moderator's "Freigeben", rules that
  publish at once, a staff reply; never a save) passes the lifecycle the comments it made public:
  the approved comment itself and the replies below it that were approved already and waited for it.
  `announce_public()` marks each one the first time (`PostComment.announced_at`, one conditional UPDATE,
  so two approvals at once cannot both claim it) and queues its mails after the commit; a comment
  withdrawn and approved again was announced the first time. The subscribers of every comment above a
  reply hear of it, one mail per address, never the one who wrote the reply.
- **Unsubscribe in one click**, per comment or for every subscription of the address, from links in each
  mail and through `List-Unsubscribe` / `List-Unsubscribe-Post` (RFC 8058) for mail programs.
- With "Kommentierende bei Freigabe benachrichtigen" (Kommentar-Einstellungen, on by default), a confirmed
  subscriber also gets "Dein Kommentar wurde freigegeben" when their comment is approved.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PostComment, ReplySubscription, Status
from .threads import permalink_url

logger = logging.getLogger(__name__)


# --- Reader actions ---------------------------------------------------------------------------


def subscribe(comment):
    """The reader ticked the box: store the wish and mail the confirmation link after the commit.

    Anyone can type anyone's address, so the box must not become a way to fill a stranger's inbox:
    an address gets at most `COMMENTS_CONFIRMATIONS_PER_DAY` unconfirmed confirmation mails a day
    (flood control alone still allows thousands from many connections). Beyond that the wish is not
    even stored; the reader's answer is the same either way (no oracle)."""
    if comment.status == Status.SPAM or not comment.user_email:
        return None
    pending_today = (
        ReplySubscription.objects.filter(
            comment__user_email__iexact=comment.user_email,
            confirmed_at__isnull=True,
            created_at__gte=timezone.now() - timedelta(days=1),
        )
        .exclude(comment=comment)
        .count()
    )
    if pending_today >= settings.COMMENTS_CONFIRMATIONS_PER_DAY:
        logger.info("Confirmation mail withheld: the address has %d unconfirmed today", pending_today)
        return None
    subscription, _created = ReplySubscription.objects.get_or_create(comment=comment)
    subscription_id = subscription.pk
    transaction.on_commit(lambda: enqueue("send_subscription_confirmation", subscription_id))
    return subscription


def find(token):
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    return ReplySubscription.objects.select_related("comment").filter(token=token).first()


def confirm(subscription):
    """Confirm a subscription (idempotent). True if it was confirmed now."""
    updated = ReplySubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return bool(updated)


def unsubscribe(token):
    """End one subscription; unknown tokens (already unsubscribed) are fine. Returns how many ended."""
    subscription = find(token)
    if subscription is None:
        return 0
    return ReplySubscription.objects.filter(pk=subscription.pk).delete()[0]


def unsubscribe_all(token):
    """End every subscription of the address the token's subscription mails to."""
    subscription = find(token)
    if subscription is None:
        return 0
    return of_address(subscription.comment.user_email).delete()[0]


def of_address(email):
    """Every subscription on comments written with this address (data-protection export and erase)."""
    return ReplySubscription.objects.filter(comment__in=PostComment.objects.written_with(email))


# --- Lifecycle hooks --------------------------------------------------------------------------


def announce_public(comment_ids):
    """Called by the lifecycle inside the transaction of an approval, with the ids of the comments whose
    visibility it changed. Those now public and never announced are marked announced and their mails
    queued after the commit. Returns the ids announced now."""
    announced = []
    candidates = PostComment.norel_objects.filter(pk__in=list(comment_ids), is_public=True, announced_at__isnull=True)
    for comment_id, parent_id in candidates.order_by("pk").values_list("pk", "parent_id"):
        # The UPDATE's own condition is the claim: of two transactions only one changes the row.
        claimed = PostComment.norel_objects.filter(pk=comment_id, announced_at__isnull=True).update(
            announced_at=timezone.now()
        )
        if not claimed:
            continue
        announced.append(comment_id)
        if parent_id and parent_id != comment_id:
            transaction.on_commit(lambda comment_id=comment_id: enqueue("notify_reply_subscribers", comment_id))
        transaction.on_commit(lambda comment_id=comment_id: enqueue("notify_commenter_approved", comment_id))
    return announced


def enqueue(task_name, object_id):
    # Runs after the commit: nothing may escape into the reader's or moderator's request.
    from comments import tasks

    try:
        getattr(tasks, task_name).enqueue(object_id)
    except Exception:
        logger.exception("Could not queue %s for %s", task_name, object_id)


# --- Who gets what ----------------------------------------------------------------------------


def reply_recipients(reply):
    """{address: subscription} for the confirmed subscribers above a public reply, nearest comment first;
    one entry per address, never the reply's own author."""
    from . import lifecycle

    ancestors = lifecycle.ancestor_ids(reply)
    subscriptions = {
        subscription.comment_id: subscription
        for subscription in ReplySubscription.objects.select_related("comment").filter(
            comment_id__in=ancestors, confirmed_at__isnull=False
        )
    }
    own = (reply.user_email or "").strip().lower()
    recipients = {}
    for comment_id in ancestors:
        subscription = subscriptions.get(comment_id)
        if subscription is None:
            continue
        address = subscription.comment.user_email.strip()
        if not address or address.lower() == own or address.lower() in {key.lower() for key in recipients}:
            continue
        recipients[address] = subscription
    return recipients


# --- The messages ------------------------------------------------------------------------------


def absolute(path):
    return settings.BASE_URL.rstrip("/") + path


def links(subscription):
    token = subscription.token
    return {
        "confirm_url": absolute(reverse("comments-subscription-confirm", args=[token])),
        "unsubscribe_url": absolute(reverse("comments-subscription-unsubscribe", args=[token])),
        "unsubscribe_all_url": absolute(reverse("comments-subscription-unsubscribe-all", args=[token])),
    }


def post_of(comment):
    from .notifications import post_of as find_post

    return find_post(comment)


def message(subscription, subject_text, template, extra=None, list_headers=True):
    """One message to the subscriber alone, with the one-click unsubscribe headers."""
    from .notifications import subject

    comment = subscription.comment
    page = post_of(comment)
    context = {
        "comment": comment,
        "post": page,
        "post_url": page.full_url if page else "",
        "site_name": settings.WAGTAIL_SITE_NAME,
        **links(subscription),
        **(extra or {}),
    }
    headers = {}
    if list_headers:
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(
        subject=subject(subject_text % {"title": page.title if page else ""}),
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[comment.user_email],
        headers=headers,
    )


def confirmation_message(subscription):
    # No List-Unsubscribe: there is nothing to unsubscribe from until the reader confirms.
    return message(
        subscription,
        _("Bitte bestätige: Antworten auf deinen Kommentar zu „%(title)s“"),
        "comments/email/confirm_subscription.txt",
        list_headers=False,
    )


def reply_message(subscription, reply):
    return message(
        subscription,
        _("Neue Antwort auf deinen Kommentar zu „%(title)s“"),
        "comments/email/reply_notification.txt",
        {"reply": reply, "reply_url": permalink_url(post_of(reply), reply.pk)},
    )


def approved_message(subscription):
    return message(
        subscription,
        _("Dein Kommentar zu „%(title)s“ wurde freigegeben"),
        "comments/email/comment_approved.txt",
        {"comment_url": permalink_url(post_of(subscription.comment), subscription.comment.pk)},
    )
