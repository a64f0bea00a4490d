"""Per-category moderation (Einstellungen → Kategorie-Moderation, `models.CategoryModeration`).

- **Rules**: a category is moderated by the site's rule (the default), by "Vormoderation" (every comment
  is held) or by "Nachmoderation" (comments are published at once and wait in the queue's
  "Nachmoderation" tab until a moderator marks them "Geprüft"). A post with several categories gets the
  strictest: Vormoderation, then the site's rule, then Nachmoderation; so Nachmoderation applies only when
  every category of the post says so. `comments/moderation.py` `decide()` asks `mode_for_post()`.
- **Moderators**: a user named as moderator of a category, or a member of the "Kategorie-Moderation"
  group, moderates only the comments on posts in their categories (directly in them; none if they have
  none); everyone else with the moderation permission moderates every comment. `category_scope()` says
  which, for the permission policy (comments/admin/permissions.py), the mails and the mail links.
"""

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from blog.models import BlogPostPage, Category

from .models import CategoryModeration, ModerationMode

CATEGORY_MODERATORS_GROUP = "Kategorie-Moderation"


def mode_for_post(post):
    """The moderation mode of a post's categories, the strictest winning (one query)."""
    if post is None or post.pk is None:
        return ModerationMode.SITE
    modes = {
        mode or ModerationMode.SITE
        for mode in Category.objects.filter(posts__pk=post.pk).values_list("comment_moderation__mode", flat=True)
    }
    if ModerationMode.PRE in modes:
        return ModerationMode.PRE
    if modes == {ModerationMode.POST}:
        return ModerationMode.POST
    return ModerationMode.SITE


def category_scope(user):
    """None when the user's moderation is not limited to categories; else the ids of their categories
    (possibly none). Cached on the user object for the request."""
    if not hasattr(user, "_comments_category_scope"):
        scope = None
        if user.is_authenticated and not user.is_superuser:
            ids = list(CategoryModeration.objects.filter(moderators=user).values_list("category_id", flat=True))
            if ids or user.groups.filter(name=CATEGORY_MODERATORS_GROUP).exists():
                scope = ids
        user._comments_category_scope = scope
    return user._comments_category_scope


def post_ids_in(category_ids):
    """The ids (as text, like a comment's `object_pk`) of the posts directly in these categories."""
    return (
        BlogPostPage.objects.filter(categories__in=category_ids)
        .annotate(pk_text=Cast("pk", CharField()))
        .values("pk_text")
    )


def in_scope(comments, category_ids):
    """The comments among `comments` on posts in these categories."""
    return comments.filter(object_pk__in=post_ids_in(category_ids))


def limited_users():
    """Q for the users whose moderation is limited to categories (see `category_scope`)."""
    return Q(moderated_categories__isnull=False) | Q(groups__name=CATEGORY_MODERATORS_GROUP)


def moderators_of_post(moderators, post_pk):
    """Among `moderators` (a user queryset), those who moderate comments on this post: the unlimited ones
    and the moderators of the post's categories (superusers are never limited)."""
    from django.contrib.auth import get_user_model

    limited = get_user_model().objects.filter(limited_users(), is_superuser=False).values("pk")
    if post_pk is None:
        return moderators.exclude(pk__in=limited)
    return moderators.filter(~Q(pk__in=limited) | Q(moderated_categories__category__posts__pk=post_pk)).distinct()
