from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    label = "comments"
    verbose_name = _("Kommentare")

    def ready(self):
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        from . import cache, lifecycle
        from .models import PostComment

        # xtd copies a comment's `is_public` to every reply below it whenever the comment is saved: a
        # held reply would go public when its parent is approved again. The lifecycle derives
        # visibility itself (comments/lifecycle.py). xtd connects its hook in its own ready(), which
        # runs before ours (INSTALLED_APPS lists this app after django_comments_xtd).
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=PostComment._meta.label)
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=PostComment)
        lifecycle.public_comments_changed.connect(cache.on_public_comments_changed, dispatch_uid="comments_cache")
        # The comment rules show on every post (form open or closed, what is held).
        from core.invalidation import connect_site_wide

        from .models import CommentSettings

        connect_site_wide(CommentSettings)
        # Listings of posts count each post's public comments in their own query.
        from blog.listings import register_listing_annotation

        from .models import public_comment_count

        register_listing_annotation("comment_count", public_comment_count)
        # A comment refused with a 400 before our view ran (a bad host, a broken body) keeps its text.
        from core.errors import keep_typed_text_for

        keep_typed_text_for("comments-post-comment")
        # The spam challenge needs no site: no query for it (core/sites.py).
        from core.sites import skip_site_lookup_for

        skip_site_lookup_for("comments-altcha-challenge")
        from django.core import checks

        from .captcha import check_settings

        checks.register(check_settings)
        # A post's order of threads is a page of its own, cached like ?seite= (comments/threads.py).
        from core.middleware import register_cacheable_parameter

        from .threads import ORDER_PARAMETER, is_canonical_order

        register_cacheable_parameter(ORDER_PARAMETER, is_canonical_order)
