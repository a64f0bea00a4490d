"""Bulk actions for the moderation queue (Wagtail's bulk-action framework): select comments, confirm, done."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.views.bulk_action import BulkAction

from comments import lifecycle
from comments.admin.permissions import CommentPermissionPolicy
from comments.models import PostComment

policy = CommentPermissionPolicy()


class CommentBulkAction(BulkAction):
    models = [PostComment]
    template_name = "comments_admin/bulk_confirm.html"
    permission = "change"
    confirmation_question = ""
    done_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, comment):
        return policy.user_has_permission_for_instance(self.request.user, self.permission, comment)

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Alle Kommentare dieser Liste auswählen": exactly the comments the listing showed, with its status
        filter, post filter and search (the request carries them), never every comment the user may change."""
        from comments.admin.views import listing_queryset

        comments = policy.instances_user_has_permission_for(self.request.user, self.permission)
        return listing_queryset(self.request, comments).values_list("pk", flat=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_label"] = self.display_name
        context["confirmation_question"] = self.confirmation_question
        context["replies_note"] = self.replies_note(context["items"])
        return context

    def replies_note(self, items):
        return ""

    def get_execution_context(self):
        return {"user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(count)s Kommentar: %(done)s", "%(count)s Kommentare: %(done)s", num_parent_objects) % {
            "count": num_parent_objects,
            "done": self.done_message,
        }


class TransitionBulkAction(CommentBulkAction):
    transition = None

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = 0
        for comment in objects:
            try:
                changed += lifecycle.apply(comment, cls.transition, user)
            except (lifecycle.TransitionNotAllowed, PostComment.DoesNotExist):
                continue  # not possible from its state (or gone): the others go on, the count says so
        return changed, 0

    def replies_note(self, items):
        if self.transition not in lifecycle.HIDING_ACTIONS:
            return ""
        replies = sum(lifecycle.visible_replies_count(item["item"]) for item in items if item["item"].is_public)
        if not replies:
            return ""
        return _("%(count)s sichtbare Antwort(en) auf diese Kommentare werden zusammen mit ihnen verborgen.") % {
            "count": replies
        }


class ApproveBulkAction(TransitionBulkAction):
    display_name = _("Freigeben")
    action_type = "approve"
    aria_label = _("Ausgewählte Kommentare freigeben")
    action_priority = 10
    transition = "approve"
    confirmation_question = _("Diese Kommentare freigeben? Sie erscheinen sofort unter ihren Beiträgen.")
    done_message = _("freigegeben")


class WithdrawBulkAction(TransitionBulkAction):
    display_name = _("Zurückziehen")
    action_type = "withdraw"
    aria_label = _("Ausgewählte Kommentare zurückziehen")
    action_priority = 20
    transition = "withdraw"
    confirmation_question = _("Diese Kommentare zurückziehen? Sie warten dann wieder auf Freigabe.")
    done_message = _("zurückgezogen")


class SpamBulkAction(TransitionBulkAction):
    display_name = _("Als Spam markieren")
    action_type = "spam"
    aria_label = _("Ausgewählte Kommentare als Spam markieren")
    action_priority = 30
    transition = "spam"
    confirmation_question = _("Diese Kommentare als Spam markieren?")
    done_message = _("als Spam markiert")


class TrashBulkAction(TransitionBulkAction):
    display_name = _("In den Papierkorb")
    action_type = "trash"
    aria_label = _("Ausgewählte Kommentare in den Papierkorb legen")
    action_priority = 40
    transition = "trash"
    confirmation_question = _("Diese Kommentare in den Papierkorb legen?")
    done_message = _("in den Papierkorb gelegt")


class RestoreBulkAction(TransitionBulkAction):
    display_name = _("Wiederherstellen")
    action_type = "restore"
    aria_label = _("Ausgewählte Kommentare wiederherstellen")
    action_priority = 45
    transition = "restore"
    confirmation_question = _("Diese Kommentare wiederherstellen? Sie warten dann wieder auf Freigabe.")
    done_message = _("wiederhergestellt")


class ReviewBulkAction(CommentBulkAction):
    """ "Geprüft" for comments published under a category's Nachmoderation (lifecycle.mark_reviewed)."""

    display_name = _("Geprüft")
    action_type = "review"
    aria_label = _("Ausgewählte Kommentare als geprüft markieren")
    action_priority = 5
    confirmation_question = _("Diese Kommentare als geprüft markieren? Sie bleiben, wie sie sind.")
    done_message = _("geprüft")

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = 0
        for comment in objects:
            try:
                changed += lifecycle.mark_reviewed(comment, user)
            except PostComment.DoesNotExist:
                continue
        return changed, 0


class DeleteBulkAction(CommentBulkAction):
    display_name = _("Endgültig löschen")
    action_type = "delete"
    aria_label = _("Ausgewählte Kommentare endgültig löschen")
    action_priority = 50
    classes = {"serious"}
    permission = "delete"
    confirmation_question = _("Diese Kommentare endgültig löschen? Das lässt sich nicht rückgängig machen.")
    done_message = _("endgültig gelöscht")

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        deleted_ids = set()
        for comment in objects:
            if comment.pk in deleted_ids:
                continue  # already gone as a reply of another selected comment
            deleted_ids.update(lifecycle.descendant_ids(comment))
            lifecycle.delete(comment, user)
            deleted_ids.add(comment.pk)
        return len([comment for comment in objects if comment.pk in deleted_ids]), 0

    def replies_note(self, items):
        selected = {item["item"].pk for item in items}
        replies = set()
        for item in items:
            replies.update(lifecycle.descendant_ids(item["item"]))
        extra = replies - selected
        if not extra:
            return ""
        return _("%(count)s Antwort(en) auf diese Kommentare werden mit gelöscht.") % {"count": len(extra)}


BULK_ACTIONS = [
    ReviewBulkAction,
    ApproveBulkAction,
    WithdrawBulkAction,
    SpamBulkAction,
    TrashBulkAction,
    RestoreBulkAction,
    DeleteBulkAction,
]
