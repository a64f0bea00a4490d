"""Data-protection tools: everything stored about one e-mail address, erased on request; old IP addresses cleared.

Used by the management commands (export_comments, erase_comments, purge_comment_ips) and the admin view
"Datenschutz: Export und Löschung".

Erasing has two modes:
- "anonymise": name becomes "Anonym"; e-mail, website, IP address and the link to a user account are emptied.
  Text and thread stay, so replies keep their context.
- "delete": the comments are deleted, and with them every reply below them (django-comments-xtd links replies
  by id; an orphaned reply cannot be placed in its thread any more). The replies' count is reported.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from comments import cache
from comments.models import PostComment

ANONYMOUS_NAME = "Anonym"
MODES = ("anonymise", "delete")


def comments_of(email):
    return PostComment.objects.filter(user_email__iexact=email.strip()).order_by("submit_date", "pk")


def export(email, user=None):
    """All comments written with this address, as JSON-ready dicts (audit-logged when a user asks)."""
    from comments.admin.actions import audit, status_of

    comments = list(comments_of(email).prefetch_related("content_object")) if email.strip() else []
    rows = []
    for comment in comments:
        page = comment.content_object
        rows.append(
            {
                "id": comment.pk,
                "post": page.title if page else None,
                "post_url": page.full_url if page else None,
                "submitted": comment.submit_date.isoformat(),
                "name": comment.user_name,
                "email": comment.user_email,
                "website": comment.user_url,
                "ip_address": comment.ip_address,
                "comment": comment.comment,
                "status": status_of(comment),
                "reply_to": comment.parent_id if comment.parent_id != comment.pk else None,
            }
        )
    if user is not None:
        with transaction.atomic():
            for comment in comments:
                audit(comment, "comments.export", user)
    return {"email": email.strip(), "exported_at": timezone.now().isoformat(), "comments": rows}


def erase(email, mode, user=None):
    """Erase this address's comments. Returns {"comments": n, "replies_deleted": m}."""
    from comments.admin.actions import audit, delete, descendant_ids

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    comments = list(comments_of(email)) if email.strip() else []
    replies_deleted = 0
    touched_posts = set()
    with transaction.atomic():
        if mode == "anonymise":
            for comment in comments:
                audit(comment, "comments.anonymise", user)
                touched_posts.add(comment.object_pk)
            # An update, not save(): saving would run django-comments-xtd's publish/unpublish cascade.
            PostComment.objects.filter(pk__in=[comment.pk for comment in comments]).update(
                user_name=ANONYMOUS_NAME, user_email="", user_url="", ip_address=None, user=None
            )
        else:
            own_ids = {comment.pk for comment in comments}
            gone = set()
            for comment in comments:
                if comment.pk in gone:
                    continue  # deleted already, as a reply to another of this person's comments
                below = set(descendant_ids(comment))
                delete(comment, user, action="comments.erase")
                gone |= below | {comment.pk}
                replies_deleted += len(below - own_ids)
    if mode == "anonymise":
        for post_id in touched_posts:
            transaction.on_commit(lambda post_id=post_id: cache.invalidate_post_by_id(post_id))
    return {"comments": len(comments), "replies_deleted": replies_deleted}


def purge_ip_addresses(days):
    """Clear the stored IP address of every comment older than `days` days. Returns how many were cleared."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return PostComment.objects.filter(submit_date__lt=cutoff, ip_address__isnull=False).update(ip_address=None)
