"""The life of a comment: one table of allowed transitions and the one place that applies them.

States (`models.Status`): ausstehend (pending), freigegeben (approved), zurückgezogen (withdrawn), spam,
papierkorb (trash); gelöscht (deleted) is the removal of the row. The admin's row and bulk actions, the
data-protection tools, the WordPress import and the reader's own edit all go through this module.

The rules it keeps:

- **Public means approved all the way up.** `is_public` is derived: a comment is public exactly when its
  own status is approved and the comment it answers is public. Hiding a comment (withdraw, spam, trash)
  hides its whole subtree; approving it again shows exactly the replies below it that are approved
  themselves: a held reply stays held. `is_removed` is derived too (spam or trash).
- **Only an approval approves.** A comment becomes approved by a moderator's "Freigeben", by the posting
  rules that said so (comments/moderation.py), as a reply of the editorial staff, or because WordPress
  had approved it (import). Restoring from spam or trash puts a comment back in the queue.
- **Spam marks count.** A moderator's "Spam" counts a mark against the comment's address (comments/rules.py,
  stored as an HMAC only); taking the comment out of spam takes the mark back.
- **One audit entry per change.** Every comment whose status changes, or that is created, edited,
  anonymised or deleted, gets exactly one entry in Wagtail's audit log, labelled by number only
  (no name, address or text: those may have to be erased later). A reply whose visibility only follows
  its parent did not change state and gets none.
- **Nachmoderation ends with a look.** A comment published at once under a category's Nachmoderation
  (`awaits_review`) waits in the queue's "Nachmoderation" tab until `mark_reviewed` ("Geprüft") or any
  other decision on it; either ends the wait.
- **Recommendations are for public comments.** "Empfehlung der Redaktion" (`recommend`) marks a public
  comment only, and the mark is dropped when the comment stops being public (`refresh_visibility`): a
  comment approved again is not recommended again without an editor's new decision.
- **Nothing else writes the flags.** django-comments-xtd's own pre_save hook, which copies a comment's
  `is_public` to all its replies on every save, is disconnected (`CommentsConfig.ready`), and the
  functions here update rows instead of saving whole objects.

After the transaction commits, `public_comments_changed` is sent for each post whose public comments
changed (the caches listen; a held or spam comment changes nothing public and sends nothing).
"""

import dataclasses

from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from core.bulk import insert_chain
from core.text import is_number

from .models import HELD_STATUSES, REMOVED_STATUSES, PostComment, ReplySubscription, Status
from .rendering import store_html

# Sent after commit with `post_id` (the post's page id, an int) when what readers see changed.
public_comments_changed = Signal()
# Sent inside the transaction that anonymised comments, with `comment_ids`: whoever kept something
# derived from their personal data (the WordPress import's ledger) forgets it in the same transaction.
comments_anonymised = Signal()

NAME_MAX_LENGTH = 50  # django_comments' user_name column
STAFF_FALLBACK_NAME = "Redaktion"


class TransitionNotAllowed(Exception):
    """The action does not lead anywhere from the comment's current state."""


@dataclasses.dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    label: str
    log_action: str


TRANSITIONS = {
    "approve": Transition(
        frozenset({Status.PENDING, Status.WITHDRAWN, Status.SPAM, Status.TRASH}),
        Status.APPROVED,
        _("Freigeben"),
        "comments.approve",
    ),
    "withdraw": Transition(frozenset({Status.APPROVED}), Status.WITHDRAWN, _("Zurückziehen"), "comments.withdraw"),
    "spam": Transition(
        frozenset({Status.PENDING, Status.APPROVED, Status.WITHDRAWN, Status.TRASH}),
        Status.SPAM,
        _("Als Spam markieren"),
        "comments.spam",
    ),
    "trash": Transition(
        frozenset({Status.PENDING, Status.APPROVED, Status.WITHDRAWN, Status.SPAM}),
        Status.TRASH,
        _("In den Papierkorb"),
        "comments.trash",
    ),
    "restore": Transition(
        frozenset({Status.SPAM, Status.TRASH}), Status.PENDING, _("Wiederherstellen"), "comments.restore"
    ),
}

# Audit-log actions (registered in wagtail_hooks.py) and their German labels.
LOG_ACTIONS = {
    "comments.submit": _("Kommentar eingegangen"),
    "comments.approve": _("Kommentar freigegeben"),
    "comments.withdraw": _("Kommentar zurückgezogen"),
    "comments.spam": _("Kommentar als Spam markiert"),
    "comments.trash": _("Kommentar in den Papierkorb gelegt"),
    "comments.restore": _("Kommentar wiederhergestellt"),
    "comments.delete": _("Kommentar endgültig gelöscht"),
    "comments.edit": _("Kommentartext bearbeitet"),
    "comments.edit_own": _("Kommentartext nachträglich selbst geändert"),
    "comments.reply": _("Als Redaktion geantwortet"),
    "comments.import": _("Kommentar aus WordPress übernommen"),
    "comments.export": _("Kommentare einer E-Mail-Adresse exportiert"),
    "comments.anonymise": _("Kommentar anonymisiert"),
    "comments.erase": _("Kommentar auf Wunsch gelöscht"),
    "comments.report_kept": _("Meldung geprüft: Kommentar bleibt"),
    "comments.expire": _("Kommentar nach Ablauf der Aufbewahrungsfrist gelöscht"),
    "comments.review": _("Kommentar geprüft (Nachmoderation)"),
    "comments.recommend": _("Als Empfehlung der Redaktion markiert"),
    "comments.unrecommend": _("Empfehlung der Redaktion entfernt"),
}

# Actions that hide a public comment, and with it every reply below it.
HIDING_ACTIONS = frozenset(name for name, transition in TRANSITIONS.items() if transition.target != Status.APPROVED)


def actions_for(comment):
    """The transitions possible from this comment's state, in the table's order."""
    return [name for name, transition in TRANSITIONS.items() if comment.status in transition.sources]


# --- Audit ------------------------------------------------------------------------------------


def log_label(comment):
    return _("Kommentar #%(id)s") % {"id": comment.pk}


def audit(comment, action, user=None, **data):
    log(comment, action, user=user, title=log_label(comment), data={"comment_id": comment.pk, **data})


# --- Visibility -------------------------------------------------------------------------------


def refresh_visibility(thread_ids):
    """Derive `is_public` and `is_removed` of every comment in these threads from the statuses.

    One query reads the threads, at most four write what differs. Returns the ids of the comments whose
    `is_public` changed.
    """
    rows = {
        pk: (parent_id, status, is_public, is_removed)
        for pk, parent_id, status, is_public, is_removed in PostComment.norel_objects.filter(
            thread_id__in=set(thread_ids)
        ).values_list("pk", "parent_id", "status", "is_public", "is_removed")
    }
    public = {}

    def is_visible(pk):
        # Iterative walk up to the first comment whose answer is known (threads are shallow, but a
        # broken parent link must never loop).
        path = []
        current = pk
        while current not in public:
            row = rows.get(current)
            if row is None or current in path:
                result = False
                break
            path.append(current)
            parent_id, status, _is_public, _is_removed = row
            if status != Status.APPROVED:
                result = False
                break
            if parent_id == current or not parent_id:
                result = True
                break
            current = parent_id
        else:
            result = public[current]
        for item in reversed(path):
            # Everything on the path is approved up to where the answer was found.
            public[item] = result
        return public.get(pk, False)

    changes = {(True, "is_public"): [], (False, "is_public"): [], (True, "is_removed"): [], (False, "is_removed"): []}
    for pk, (_parent_id, status, is_public, is_removed) in rows.items():
        should_be_public = is_visible(pk)
        should_be_removed = status in REMOVED_STATUSES
        if should_be_public != is_public:
            changes[(should_be_public, "is_public")].append(pk)
        if should_be_removed != is_removed:
            changes[(should_be_removed, "is_removed")].append(pk)
    for (value, field), ids in changes.items():
        if ids:
            PostComment.norel_objects.filter(pk__in=ids).update(**{field: value})
    if changes[(False, "is_public")]:
        # A recommendation is for what readers see: hidden, it is gone for good.
        PostComment.norel_objects.filter(pk__in=changes[(False, "is_public")], is_recommended=True).update(
            is_recommended=False
        )
    return set(changes[(True, "is_public")]) | set(changes[(False, "is_public")])


def lock_thread(thread_id):
    """Lock a thread (its first comment's row) for the rest of the transaction. Every change that derives
    visibility from the thread takes it first: two moderators deciding on a parent and its reply at once
    must not each derive visibility from a thread the other has not committed yet."""
    list(PostComment.norel_objects.select_for_update().filter(pk=thread_id).values_list("pk"))


def _current_status(comment):
    """The comment's status under the thread lock (None when it is gone)."""
    lock_thread(comment.thread_id)
    return PostComment.norel_objects.filter(pk=comment.pk).values_list("status", flat=True).first()


def _reload_flags(comment):
    row = PostComment.norel_objects.filter(pk=comment.pk).values("status", "is_public", "is_removed").first()
    if row is not None:
        for name, value in row.items():
            setattr(comment, name, value)


def _store_public_html(comment_ids):
    """Render the HTML of the comments among these that readers now see (comments/rendering.py), so the
    first page view after the change renders none of them. Held ones are left: nobody but their author
    sees them, and a stale key is rendered anew whenever a comment is shown."""
    ids = list(comment_ids)
    if ids:
        store_html(ids)


def _announce(post_ids):
    """After commit: tell the caches which posts now show different comments."""
    for post_id in {int(post_id) for post_id in post_ids if is_number(post_id)}:
        transaction.on_commit(lambda post_id=post_id: public_comments_changed.send(sender=PostComment, post_id=post_id))


# --- Moderation -------------------------------------------------------------------------------


def apply(comment, action, user=None, **data):
    """Move one comment along `action`. True if it changed; False if it is in the target state already.

    Raises TransitionNotAllowed when the table has no such way from the comment's state (e.g. withdrawing a
    held comment) and PostComment.DoesNotExist when the comment is gone. The row is locked while it changes,
    so two moderators deciding at once cannot both act on a stale state.
    """
    from . import notifications, subscriptions

    transition = TRANSITIONS[action]
    with transaction.atomic():
        current = _current_status(comment)
        if current is None:
            raise PostComment.DoesNotExist
        if current == transition.target:
            comment.status = current
            return False
        if current not in transition.sources:
            raise TransitionNotAllowed(action, current)
        # A decision is a look at the comment: it no longer waits under Nachmoderation.
        PostComment.norel_objects.filter(pk=comment.pk).update(status=transition.target, awaits_review=False)
        comment.awaits_review = False
        _count_spam_mark(comment, current, transition.target)
        changed = refresh_visibility([comment.thread_id])
        _store_public_html(changed)
        audit(comment, transition.log_action, user, status_before=current, status_after=transition.target, **data)
        _reload_flags(comment)
        if changed:
            _announce([comment.object_pk])
        if transition.target == Status.APPROVED:
            notifications.comment_approved(comment)
            # The comment and the approved replies that waited for it, if readers see them now.
            subscriptions.announce_public(changed)
    return True


def mark_reviewed(comment, user=None, **data):
    """ "Geprüft": a comment published under Nachmoderation was looked at and stays as it is. True if it
    waited; False if it did not (reviewed or decided on before). One audit entry; the state is unchanged."""
    with transaction.atomic():
        current = _current_status(comment)
        if current is None:
            raise PostComment.DoesNotExist
        waited = PostComment.norel_objects.filter(pk=comment.pk, awaits_review=True).update(awaits_review=False)
        comment.awaits_review = False
        if not waited:
            return False
        audit(comment, "comments.review", user, status=current, **data)
    return True


def recommend(comment, on, user=None):
    """Mark a public comment "Empfehlung der Redaktion" (`on`) or take the mark back. True if it changed,
    False if it was so already. Raises TransitionNotAllowed when marking a comment that is not public
    and PostComment.DoesNotExist when the comment is gone. One audit entry per change."""
    on = bool(on)
    with transaction.atomic():
        lock_thread(comment.thread_id)
        row = PostComment.norel_objects.filter(pk=comment.pk).values("is_public", "is_recommended").first()
        if row is None:
            raise PostComment.DoesNotExist
        if row["is_recommended"] == on:
            comment.is_recommended = on
            return False
        if on and not row["is_public"]:
            raise TransitionNotAllowed("recommend", comment.status)
        PostComment.norel_objects.filter(pk=comment.pk).update(is_recommended=on)
        comment.is_recommended = on
        # The badge is part of the stored HTML (comments/rendering.py).
        _store_public_html([comment.pk])
        audit(comment, "comments.recommend" if on else "comments.unrecommend", user)
        if row["is_public"]:
            _announce([comment.object_pk])
    return True


def _count_spam_mark(comment, before, after):
    """Marking spam counts one mark against the address; taking it out of spam takes the mark back."""
    from . import rules

    email = PostComment.norel_objects.filter(pk=comment.pk).values_list("user_email", flat=True).first()
    if after == Status.SPAM:
        rules.add_spam_mark(email)
    elif before == Status.SPAM:
        rules.take_back_spam_mark(email)


def submit(
    *, post, parent, name, email, url, text, site_id, ip_address, user, author_token, status, reasons, subscribe=False
):
    """A reader's new comment, in the state the posting rules decided (`status`, with their `reasons`).
    With `subscribe`, the reader asked to hear about replies (comments/subscriptions.py). Published under
    a category's Nachmoderation (the reasons say so), it waits for a moderator's "Geprüft"."""
    from . import moderation, notifications, subscriptions

    awaits_review = status == Status.APPROVED and moderation.POST_MODERATION in moderation.reason_codes(reasons)
    with transaction.atomic():
        if parent is not None:
            # Replies rewrite the order of their thread: one change per thread at a time.
            lock_thread(parent.thread_id)
            if not PostComment.norel_objects.filter(pk=parent.pk).exists():
                raise PostComment.DoesNotExist  # deleted after the form checked it
        comment = PostComment(
            content_type=_content_type_of(post),
            object_pk=str(post.pk),
            site_id=site_id,
            parent_id=parent.pk if parent is not None else 0,
            user=user if user is not None and user.is_authenticated else None,
            user_name=name,
            user_email=email,
            user_url=url,
            comment=text,
            ip_address=ip_address,
            author_token=author_token or "",
            status=status,
            hold_reasons=list(reasons),
            awaits_review=awaits_review,
            is_public=False,
            is_removed=status in REMOVED_STATUSES,
        )
        comment.save()
        changed = refresh_visibility([comment.thread_id])
        _store_public_html(changed)
        audit(comment, "comments.submit", None, status_after=status, reasons=list(reasons))
        _reload_flags(comment)
        if changed:
            _announce([comment.object_pk])
        if subscribe:
            subscriptions.subscribe(comment)
        if comment.is_held:
            notifications.comment_held(comment)
        if status == Status.APPROVED:
            subscriptions.announce_public(changed)
    return comment


def staff_name(user):
    """The name a staff reply shows: the person's full name, else "Redaktion"; never the log-in name."""
    return ((user.get_full_name() or "").strip() or STAFF_FALLBACK_NAME)[:NAME_MAX_LENGTH]


def reply_as_staff(parent, text, user):
    """A reply by the editorial staff: approved at once and marked "Redaktion"; public as soon as the
    comment it answers is public. No address is stored with it."""
    if parent.status in REMOVED_STATUSES:
        raise TransitionNotAllowed("reply", parent.status)
    with transaction.atomic():
        lock_thread(parent.thread_id)
        if not PostComment.norel_objects.filter(pk=parent.pk).exists():
            raise PostComment.DoesNotExist
        answer = PostComment(
            content_type_id=parent.content_type_id,
            object_pk=parent.object_pk,
            site_id=parent.site_id,
            parent_id=parent.pk,
            user=user,
            user_name=staff_name(user),
            user_email="",
            comment=text,
            status=Status.APPROVED,
            is_public=False,
            is_removed=False,
            is_moderator_reply=True,
        )
        answer.save()
        changed = refresh_visibility([answer.thread_id])
        _store_public_html(changed)
        audit(answer, "comments.reply", user, parent_id=parent.pk, status_after=Status.APPROVED)
        _reload_flags(answer)
        if changed:
            _announce([answer.object_pk])
        from . import subscriptions

        subscriptions.announce_public(changed)
    return answer


def edit(comment, text, user=None, *, back_to_queue=False):
    """Change a comment's text. With `back_to_queue`, an approved comment waits for approval again (a
    reader's edit under rules that say so). Returns the status after the edit."""
    with transaction.atomic():
        current = _current_status(comment)
        if current is None:
            raise PostComment.DoesNotExist
        new_status = Status.PENDING if back_to_queue and current == Status.APPROVED else current
        changes = {"comment": text, "status": new_status}
        if new_status != current:
            changes["awaits_review"] = False  # back in the queue: it waits for a decision instead
        PostComment.norel_objects.filter(pk=comment.pk).update(**changes)
        comment.comment = text
        changed = refresh_visibility([comment.thread_id]) if new_status != current else set()
        # The stored HTML shows the old text until it is rendered again (its key no longer matches).
        _store_public_html({*changed, comment.pk})
        audit(comment, "comments.edit", user, status_before=current, status_after=new_status)
        _reload_flags(comment)
        if changed or comment.is_public:
            _announce([comment.object_pk])
    return new_status


# What the writer's own browser may still change (comments/edit_views.py): everything they can see as
# theirs. Spam stays spam but looks to its sender like a waiting comment, so it can be changed too (an
# answer that differed would tell a blocked sender that they are blocked); the trash is gone for them.
OWN_EDITABLE_STATUSES = frozenset({Status.PENDING, Status.APPROVED, Status.WITHDRAWN, Status.SPAM})


def edit_own(comment, text, rules):
    """The writer changed the text of their own comment (from the browser that sent it, within the edit
    window: the view checks that). One audit entry; `edited_at` is set, readers see "(bearbeitet)".

    Re-moderation under the site's `rules` (CommentSettings): a held comment stays held, spam stays spam;
    an approved one waits again when "Bearbeitete Kommentare erneut prüfen" is on or when the posting
    rules (`moderation.decide`: blocks, spam marks, words, links) would not publish the new text now; its
    replies are hidden with it until a moderator approves it again, and the moderators are mailed.
    Returns the status after the edit; raises TransitionNotAllowed from any other state and
    PostComment.DoesNotExist when the comment is gone."""
    from . import moderation, notifications

    with transaction.atomic():
        current = _current_status(comment)
        if current is None:
            raise PostComment.DoesNotExist
        if current not in OWN_EDITABLE_STATUSES:
            raise TransitionNotAllowed("edit_own", current)
        sender = (
            PostComment.norel_objects.filter(pk=comment.pk)
            .values("user_name", "user_email", "user_url", "author_token", "ip_address")
            .get()
        )
        verdict, reasons = moderation.decide(
            rules,
            name=sender["user_name"],
            email=sender["user_email"],
            url=sender["user_url"],
            text=text,
            author_token=sender["author_token"],
            ip_address=sender["ip_address"],
            post=comment.content_object,  # its categories' rules (Vormoderation) count for the new text too
        )
        new_status = current
        if current == Status.APPROVED and (rules.recheck_edited or verdict != Status.APPROVED):
            new_status = Status.PENDING
        edited_at = timezone.now()
        # "Empfehlung der Redaktion" was given to the old text: a new text has to earn it again.
        values = {"comment": text, "edited_at": edited_at, "status": new_status, "is_recommended": False}
        if new_status != current:
            values["awaits_review"] = False  # back in the queue: it waits for a decision, as after lifecycle.edit
        if new_status in HELD_STATUSES:
            # The queue's badges: why it waits now.
            values["hold_reasons"] = [
                moderation.reason(moderation.EDITED),
                *(item for item in reasons if item["code"] != moderation.TRUSTED),
            ]
        PostComment.norel_objects.filter(pk=comment.pk).update(**values)
        comment.comment, comment.edited_at, comment.is_recommended = text, edited_at, False
        changed = refresh_visibility([comment.thread_id]) if new_status != current else set()
        _store_public_html({*changed, comment.pk})
        audit(comment, "comments.edit_own", None, status_before=current, status_after=new_status)
        _reload_flags(comment)
        if changed or comment.is_public:
            _announce([comment.object_pk])
        if current == Status.APPROVED and new_status == Status.PENDING:
            notifications.comment_held(comment)
    return new_status


def descendant_ids(comment):
    """Ids of every reply below a comment, at any depth (one query for the thread)."""
    children_of = {}
    for pk, parent_id in PostComment.norel_objects.filter(thread_id=comment.thread_id).values_list("pk", "parent_id"):
        if pk != parent_id:
            children_of.setdefault(parent_id, []).append(pk)
    found, frontier = [], [comment.pk]
    seen = {comment.pk}
    while frontier:
        frontier = [child for pk in frontier for child in children_of.get(pk, []) if child not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found


def visible_replies_count(comment):
    return PostComment.norel_objects.filter(pk__in=descendant_ids(comment), is_public=True).count()


def ancestor_ids(comment):
    """Ids of the comments above this one, nearest first (one query for the thread)."""
    parent_of = dict(PostComment.norel_objects.filter(thread_id=comment.thread_id).values_list("pk", "parent_id"))
    found, current = [], comment.pk
    while parent_of.get(current) not in (None, current) and parent_of[current] not in found:
        current = parent_of[current]
        found.append(current)
    return found


def delete(comment, user=None, action="comments.delete"):
    """Delete a comment and every reply below it (they answer a text that no longer exists, and xtd
    cannot place an orphaned reply in a thread). Each deleted comment gets its audit entry. Returns the
    number of replies deleted."""
    with transaction.atomic():
        lock_thread(comment.thread_id)
        reply_ids = descendant_ids(comment)
        doomed = list(PostComment.norel_objects.filter(pk__in=[comment.pk, *reply_ids]))
        was_visible = any(item.is_public for item in doomed)
        for item in doomed:
            data = {"status_before": item.status}
            if item.pk == comment.pk:
                data["replies_deleted"] = len(reply_ids)
            else:
                data["deleted_with"] = comment.pk
            audit(item, action, user, **data)
        # The ancestors count every reply below them (xtd's nested_count); keep their counters right.
        ancestors = ancestor_ids(comment)
        if ancestors:
            PostComment.norel_objects.filter(pk__in=ancestors).update(
                nested_count=F("nested_count") - (len(reply_ids) + 1)
            )
        PostComment.objects.filter(pk__in=[item.pk for item in doomed]).delete()
        if was_visible:
            _announce([comment.object_pk])
    return len(reply_ids)


# --- Personal data ----------------------------------------------------------------------------

ANONYMOUS_NAME = "Anonym"


def anonymise(comments, user=None):
    """Name "Anonym"; address, website, IP address, browser token and account link emptied. Text and
    threads stay, so replies keep their context; the states do not change."""
    comments = list(comments)
    with transaction.atomic():
        for comment in comments:
            audit(comment, "comments.anonymise", user)
        PostComment.norel_objects.filter(pk__in=[comment.pk for comment in comments]).update(
            user_name=ANONYMOUS_NAME, user_email="", user_url="", ip_address=None, user=None, author_token=""
        )
        # Without an address there is nobody to notify.
        ReplySubscription.objects.filter(comment__in=[comment.pk for comment in comments]).delete()
        comments_anonymised.send(sender=PostComment, comment_ids=[comment.pk for comment in comments])
        _store_public_html([comment.pk for comment in comments])
        _announce({comment.object_pk for comment in comments if comment.is_public})
    return len(comments)


# --- Import -----------------------------------------------------------------------------------


def record_imported(comment, user=None):
    """A comment the WordPress import just created (in the status WordPress gave it): derive its flags."""
    changed = refresh_visibility([comment.thread_id])
    _store_public_html(changed)
    audit(comment, "comments.import", user, status_after=comment.status)
    _reload_flags(comment)
    if changed:
        _announce([comment.object_pk])


def set_imported_status(comment, status, user=None):
    """WordPress now says `status` for a comment imported before. True if it changed."""
    with transaction.atomic():
        current = _current_status(comment)
        if current is None or current == status:
            return False
        PostComment.norel_objects.filter(pk=comment.pk).update(status=status)
        changed = refresh_visibility([comment.thread_id])
        _store_public_html({*changed, comment.pk})
        audit(comment, "comments.import", user, status_before=current, status_after=status)
        _reload_flags(comment)
        if changed:
            _announce([comment.object_pk])
    return True


def update_imported(comment, values, status, user=None):
    """WordPress changed a comment imported before, which nobody changed here since (the importer
    checks): write its fields (`values`) and `status`, derive the thread's visibility, one audit entry,
    and tell the caches when readers see something different. Returns False when the comment is gone."""
    with transaction.atomic():
        current = _current_status(comment)
        if current is None:
            return False
        was_public = PostComment.norel_objects.filter(pk=comment.pk).values_list("is_public", flat=True).first()
        PostComment.norel_objects.filter(pk=comment.pk).update(**values, status=status)
        changed = refresh_visibility([comment.thread_id]) if status != current else set()
        audit(comment, "comments.import", user, status_before=current, status_after=status)
        _reload_flags(comment)
        if changed or was_public or comment.is_public:
            _announce([comment.object_pk])
    return True


def create_imported(comments):
    """Insert many new imported comments at once (the WordPress import of a post's new threads).

    `comments` are unsaved PostComments in an order where a parent comes before its replies; each has
    `import_parent`, another comment of the list or None (a new thread). The threading xtd computes one
    save at a time (`thread_id`, `parent_id`, `level`, `order`, `nested_count`) is computed here in
    memory: one INSERT per thread level instead of two saves and a thread walk per comment. Then the
    visibility of the new threads is derived and each comment gets its audit entry, as `record_imported`
    does for one comment. Returns the comments, saved.
    """
    from wagtail.log_actions import registry as log_registry

    if not comments:
        return []
    children = {}
    for comment in comments:
        parent = comment.import_parent
        comment.level = 0 if parent is None else parent.level + 1
        if parent is not None:
            children.setdefault(id(parent), []).append(comment)
    roots = [comment for comment in comments if comment.import_parent is None]
    for root in roots:
        # xtd's `order`: the position in the thread, depth first, replies in the order they came.
        order, stack = 0, [root]
        while stack:
            current = stack.pop()
            order += 1
            current.order = order
            stack.extend(reversed(children.get(id(current), [])))
    for comment in reversed(comments):
        comment.nested_count = sum(1 + child.nested_count for child in children.get(id(comment), []))
    with transaction.atomic():
        for level in range(max(comment.level for comment in comments) + 1):
            batch = [comment for comment in comments if comment.level == level]
            for comment in batch:
                parent = comment.import_parent
                comment.parent_id = parent.pk if parent is not None else 0
                comment.thread_id = parent.thread_id if parent is not None else 0
            insert_chain(PostComment, batch)
            if level == 0:
                PostComment.norel_objects.filter(pk__in=[root.pk for root in batch]).update(
                    thread_id=F("pk"), parent_id=F("pk")
                )
                for root in batch:
                    root.thread_id = root.parent_id = root.pk
        changed = refresh_visibility({root.pk for root in roots})
        log_model = log_registry.get_log_model_for_model(PostComment)
        if log_model is not None:
            from django.contrib.contenttypes.models import ContentType
            from django.utils import timezone

            content_type = ContentType.objects.get_for_model(PostComment, for_concrete_model=False)
            now = timezone.now()
            log_model.objects.bulk_create(
                log_model(
                    content_type=content_type,
                    label=log_label(comment),
                    action="comments.import",
                    timestamp=now,
                    data={"comment_id": comment.pk, "status_after": comment.status},
                    object_id=str(comment.pk),
                )
                for comment in comments
            )
        if changed:
            _announce({comment.object_pk for comment in comments if comment.pk in changed})
    visible = PostComment.norel_objects.filter(pk__in=changed, is_public=True).values_list("pk", flat=True)
    public_ids = set(visible) if changed else set()
    for comment in comments:
        comment.is_public = comment.pk in public_ids
    return comments


def _content_type_of(post):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(getattr(post, "specific_class", None) or type(post))


__all__ = [
    "HELD_STATUSES",
    "HIDING_ACTIONS",
    "LOG_ACTIONS",
    "TRANSITIONS",
    "Status",
    "TransitionNotAllowed",
    "actions_for",
    "anonymise",
    "apply",
    "create_imported",
    "delete",
    "edit",
    "mark_reviewed",
    "edit_own",
    "record_imported",
    "refresh_visibility",
    "recommend",
    "reply_as_staff",
    "set_imported_status",
    "staff_name",
    "submit",
    "update_imported",
]
