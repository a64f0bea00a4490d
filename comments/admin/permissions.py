"""Who may moderate which comments.

- Moderators: users holding ``comments.change_postcomment`` (the "Moderatoren" group has it) moderate every
  comment; permanently deleting needs ``comments.delete_postcomment`` as well (the group has both).
- Category moderators: moderators named in Einstellungen → Kategorie-Moderation, or members of the
  "Kategorie-Moderation" group, moderate only the comments on posts in their categories (comments/categories.py).
- Editors: users who may edit pages moderate the comments on exactly those pages (Wagtail's page permissions).
- Everyone else sees no comment in the admin.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from comments.categories import category_scope, in_scope
from comments.models import PostComment

MODERATE_PERMISSION = "comments.change_postcomment"
DELETE_PERMISSION = "comments.delete_postcomment"
# "add" is never granted: comments are written by readers; moderators answer through the reply view.
ACTIONS = {"view", "change", "delete"}


def is_moderator(user):
    return user.is_active and (user.is_superuser or user.has_perm(MODERATE_PERMISSION))


def is_full_moderator(user):
    """A moderator of every comment (not limited to categories): may see and change what concerns every
    comment, such as blocks and data-protection requests."""
    return is_moderator(user) and category_scope(user) is None


def editable_pages(user):
    """The pages this user may edit, as a queryset (cached on the user for the request)."""
    if not hasattr(user, "_comments_editable_pages"):
        user._comments_editable_pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return user._comments_editable_pages


def can_edit_any_page(user):
    return user.is_active and PagePermissionPolicy().user_has_permission(user, "change")


class CommentPermissionPolicy(ModelPermissionPolicy):
    def __init__(self):
        super().__init__(PostComment)

    def user_has_permission(self, user, action):
        if action not in ACTIONS or not user.is_active:
            return False
        if user.is_superuser:
            return True
        if user.has_perm(MODERATE_PERMISSION):
            return action != "delete" or user.has_perm(DELETE_PERMISSION)
        return can_edit_any_page(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if is_full_moderator(user):
            return True
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, {action})

    def instances_user_has_any_permission_for(self, user, actions):
        comments = PostComment.objects.all()
        if not self.user_has_any_permission(user, actions):
            return comments.none()
        if is_moderator(user):
            categories = category_scope(user)
            if categories is None:
                return comments
            limited = in_scope(comments, categories)
            # A category moderator who also edits pages keeps the comments on those pages too.
            return limited | self.on_editable_pages(comments, user) if can_edit_any_page(user) else limited
        return self.on_editable_pages(comments, user)

    @staticmethod
    def on_editable_pages(comments, user):
        page_ids = editable_pages(user).annotate(pk_text=Cast("pk", CharField())).values("pk_text")
        return comments.filter(object_pk__in=page_ids)

    def users_with_any_permission(self, actions):
        actions = set(actions) & ACTIONS
        if not actions:
            return get_user_model().objects.none()
        return moderators()


def moderators():
    """Active users holding the moderation permission through a group or directly (superusers only if
    they hold it too: they may moderate, but do not get every moderation e-mail)."""
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(PostComment), codename="change_postcomment"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
    )


def comments_on_page(page):
    return PostComment.objects.filter(
        content_type=ContentType.objects.get_for_model(page.specific_class), object_pk=str(page.pk)
    )
