"""The moderation actions: one function per action, shared by the row buttons, the bulk actions and the
data-protection tools, so every path changes the same flags and writes the same audit entry."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from comments import cache, notifications
from comments.models import PostComment

PENDING, APPROVED, SPAM, TRASH = "pending", "approved", "spam", "trash"

STATUS_LABELS = {
    PENDING: _("Ausstehend"),
    APPROVED: _("Freigegeben"),
    SPAM: _("Spam"),
    TRASH: _("Papierkorb"),
}

STATUS_QUERIES = {
    PENDING: Q(is_public=False, is_removed=False),
    APPROVED: Q(is_public=True, is_removed=False),
    SPAM: Q(is_removed=True, is_spam=True),
    TRASH: Q(is_removed=True, is_spam=False),
}

# action name -> (flags it sets, status it leads to)
TRANSITIONS = {
    "approve": ({"is_public": True, "is_removed": False, "is_spam": False}, APPROVED),
    "unpublish": ({"is_public": False, "is_removed": False, "is_spam": False}, PENDING),
    "spam": ({"is_public": False, "is_removed": True, "is_spam": True}, SPAM),
    "trash": ({"is_public": False, "is_removed": True, "is_spam": False}, TRASH),
}

# Audit-log action names (registered in wagtail_hooks.py) and their German labels.
LOG_ACTIONS = {
    "comments.approve": _("Kommentar freigegeben"),
    "comments.unpublish": _("Kommentar zurückgezogen"),
    "comments.spam": _("Kommentar als Spam markiert"),
    "comments.trash": _("Kommentar in den Papierkorb gelegt"),
    "comments.delete": _("Kommentar endgültig gelöscht"),
    "comments.edit": _("Kommentartext bearbeitet"),
    "comments.reply": _("Als Moderation geantwortet"),
    "comments.export": _("Kommentare einer E-Mail-Adresse exportiert"),
    "comments.anonymise": _("Kommentar anonymisiert"),
    "comments.erase": _("Kommentar auf Wunsch gelöscht"),
}


def status_of(comment):
    if comment.is_removed:
        return SPAM if comment.is_spam else TRASH
    return APPROVED if comment.is_public else PENDING


def held_comments():
    return PostComment.objects.filter(STATUS_QUERIES[PENDING])


def log_label(comment):
    """The audit log keeps what was done to which comment, never the commenter's name, address or text:
    those may have to be erased later, the log entry stays."""
    return _("Kommentar #%(id)s") % {"id": comment.pk}


def audit(comment, action, user, **data):
    log(comment, action, user=user, title=log_label(comment), data={"comment_id": comment.pk, **data})


def visible_replies_count(comment):
    return PostComment.objects.filter(pk__in=descendant_ids(comment), is_public=True, is_removed=False).count()


def descendant_ids(comment):
    """Ids of every reply below a comment, at any depth (django-comments-xtd links replies by parent_id)."""
    found = []
    frontier = [comment.pk]
    while frontier:
        children = list(
            PostComment.objects.filter(thread_id=comment.thread_id, parent_id__in=frontier)
            .exclude(pk__in=frontier)
            .values_list("pk", flat=True)
        )
        found.extend(children)
        frontier = children
    return found


def apply(comment, action, user):
    """Move one comment to the state of `action`. Saving goes through django-comments-xtd's pre_save
    handler, so replies follow the comment: hidden with it, shown again with it."""
    flags, new_status = TRANSITIONS[action]
    old_status = status_of(comment)
    if old_status == new_status:
        return False
    was_visible = old_status == APPROVED
    for name, value in flags.items():
        setattr(comment, name, value)
    with transaction.atomic():
        comment.save()
        audit(comment, f"comments.{action}", user, status_before=old_status, status_after=new_status)
    if was_visible or new_status == APPROVED:
        transaction.on_commit(lambda: cache.invalidate_post_of(comment))
    if new_status == APPROVED:
        notifications.comment_approved(comment)
    return True


def edit_text(comment, text, user):
    """Change a comment's text. A queryset update, not save(): saving would run django-comments-xtd's
    pre_save handler, which republishes every reply of an approved comment, held ones included."""
    with transaction.atomic():
        PostComment.objects.filter(pk=comment.pk).update(comment=text)
        comment.comment = text
        audit(comment, "comments.edit", user)
    if status_of(comment) == APPROVED:
        transaction.on_commit(lambda: cache.invalidate_post_of(comment))


def reply(parent, text, user):
    """A reply by the moderation: published at once and marked as the moderation's."""
    name = (user.get_full_name() or user.get_username()).strip()
    with transaction.atomic():
        answer = PostComment.objects.create(
            content_type=parent.content_type,
            object_pk=parent.object_pk,
            site_id=parent.site_id,
            parent_id=parent.pk,
            user=user,
            user_name=name[:50],
            user_email=user.email or "",
            comment=text,
            is_public=True,
            is_removed=False,
            is_moderator_reply=True,
        )
        audit(answer, "comments.reply", user, parent_id=parent.pk)
    transaction.on_commit(lambda: cache.invalidate_post_of(answer))
    return answer


def delete(comment, user, action="comments.delete"):
    """Delete a comment and every reply below it (they answer a text that no longer exists, and
    django-comments-xtd cannot place orphaned replies in a thread). Returns the number of replies deleted."""
    reply_ids = descendant_ids(comment)
    was_visible = status_of(comment) == APPROVED
    with transaction.atomic():
        audit(comment, action, user, replies_deleted=len(reply_ids))
        # The ancestors count every reply below them; keep their counters right.
        ancestor_ids = ancestors_ids(comment)
        if ancestor_ids:
            PostComment.objects.filter(pk__in=ancestor_ids).update(
                nested_count=F("nested_count") - (len(reply_ids) + 1)
            )
        PostComment.objects.filter(pk__in=[comment.pk, *reply_ids]).delete()
    if was_visible or reply_ids:
        transaction.on_commit(lambda: cache.invalidate_post_of(comment))
    return len(reply_ids)


def ancestors_ids(comment):
    ids = []
    parent_id = comment.parent_id
    current = comment.pk
    while parent_id and parent_id != current:
        ids.append(parent_id)
        row = PostComment.objects.filter(pk=parent_id).values_list("pk", "parent_id").first()
        if row is None:
            break
        current, parent_id = row
    return ids
