"""Data-protection tools: everything stored about one e-mail address, erased on request; old IP addresses cleared.

Used by the management commands (export_comments, erase_comments, purge_comment_ips) and the admin view
"Datenschutz: Export und Löschung".

Erasing has two modes:
- "anonymise": name becomes "Anonym"; e-mail, website, IP address and the link to a user account are emptied,
  reply notifications ended. Text and thread stay, so replies keep their context.
- "delete": the comments are deleted (with their reply notifications), and with them every reply below them (django-comments-xtd links replies
  by id; an orphaned reply cannot be placed in its thread any more). The replies' count is reported.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from comments import lifecycle
from comments.models import PostComment, ReplySubscription

ANONYMOUS_NAME = lifecycle.ANONYMOUS_NAME
MODES = ("anonymise", "delete")


def comments_of(email):
    return PostComment.objects.written_with(email).order_by("submit_date", "pk")


def export(email, user=None):
    """All comments written with this address, as JSON-ready dicts (audit-logged when a user asks)."""
    comments = list(comments_of(email).prefetch_related("content_object").select_related("reply_subscription"))
    rows = []
    for comment in comments:
        page = comment.content_object
        rows.append(
            {
                "id": comment.pk,
                "post": page.title if page else None,
                "post_url": page.full_url if page else None,
                "submitted": comment.submit_date.isoformat(),
                "edited": comment.edited_at.isoformat() if comment.edited_at else None,
                "name": comment.user_name,
                "email": comment.user_email,
                "website": comment.user_url,
                "ip_address": comment.ip_address,
                "comment": comment.comment,
                "status": comment.status,
                "reply_to": comment.parent_id if comment.parent_id != comment.pk else None,
                "reply_notification": subscription_row(comment),
            }
        )
    if user is not None:
        with transaction.atomic():
            for comment in comments:
                lifecycle.audit(comment, "comments.export", user)
    return {"email": email.strip(), "exported_at": timezone.now().isoformat(), "comments": rows}


def subscription_row(comment):
    """The reader's "Benachrichtige mich über Antworten" for this comment (None if not asked for)."""
    try:
        subscription = comment.reply_subscription
    except ReplySubscription.DoesNotExist:
        return None
    return {
        "requested": subscription.created_at.isoformat(),
        "confirmed": subscription.confirmed_at.isoformat() if subscription.confirmed_at else None,
    }


def erase(email, mode, user=None):
    """Erase this address's comments. Returns {"comments": n, "replies_deleted": m}."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    comments = list(comments_of(email))
    replies_deleted = 0
    with transaction.atomic():
        if mode == "anonymise":
            lifecycle.anonymise(comments, user)
        else:
            own_ids = {comment.pk for comment in comments}
            gone = set()
            for comment in comments:
                if comment.pk in gone:
                    continue  # deleted already, as a reply to another of this person's comments
                below = set(lifecycle.descendant_ids(comment))
                lifecycle.delete(comment, user, action="comments.erase")
                gone |= below | {comment.pk}
                replies_deleted += len(below - own_ids)
    return {"comments": len(comments), "replies_deleted": replies_deleted}


def purge_ip_addresses(days):
    """Clear the stored IP address of every comment older than `days` days. Returns how many were cleared."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return PostComment.objects.filter(submit_date__lt=cutoff, ip_address__isnull=False).update(ip_address=None)


def last_changed(comment_ids):
    """{comment id: time of its latest audit entry} (submitted, moved, edited…)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max

    from wagtail.models import ModelLogEntry

    entries = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PostComment), object_id__in=[str(pk) for pk in comment_ids]
        )
        .order_by()
        .values_list("object_id")
        .annotate(latest=Max("timestamp"))
    )
    return {int(object_id): latest for object_id, latest in entries}


def expired(statuses, days, now=None):
    """Comments in these states whose last change (audit log; else the submit date) is over `days` days old."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    candidates = list(PostComment.objects.filter(status__in=statuses, submit_date__lt=cutoff).order_by("pk"))
    changed = last_changed([comment.pk for comment in candidates])
    return [comment for comment in candidates if changed.get(comment.pk, comment.submit_date) < cutoff]


def delete_expired(removed_days, held_days=None, now=None):
    """Retention: spam and trash after `removed_days` days, never-decided held comments after `held_days`
    (None: never). Deleted through the lifecycle (audited as "comments.expire", replies with them).
    Returns {"removed": n, "held": m, "replies_deleted": r}."""
    from comments.models import HELD_STATUSES, REMOVED_STATUSES

    result = {"removed": 0, "held": 0, "replies_deleted": 0}
    batches = [("removed", REMOVED_STATUSES, removed_days)]
    if held_days is not None:
        batches.append(("held", HELD_STATUSES, held_days))
    for key, statuses, days in batches:
        for comment in expired(statuses, days, now):
            if not PostComment.norel_objects.filter(pk=comment.pk).exists():
                continue  # deleted already, below another expired comment
            result["replies_deleted"] += lifecycle.delete(comment, None, action="comments.expire")
            result[key] += 1
    return result
