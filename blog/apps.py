from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Cache tags the blog records and invalidates (core/cache.py; docs/caching.md has the table).
LISTINGS_TAG = "listings"  # every list of posts: home page, index, archives, sidebar counts
CATEGORIES_TAG = "categories"  # the category tree of the sidebar


def author_tag(author_id):
    return f"author:{author_id}"


def category_tag(category_id):
    return f"category:{category_id}"


def tag_tag(tag_id):
    """The cache tag of a Schlagwort's archive (a post tag, not to be confused with cache tags)."""
    return f"posttag:{tag_id}"


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Beiträge")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.cache import page_tag
        from core.invalidation import invalidate_on_commit, register_page_tags

        from .front_cache import connect_front_cache_purges
        from .models import Author, BlogPostPage, Category, PostTag

        # A post shows on its own page, on the listings and in "Weitere Beiträge" of the posts that show it
        # (they record its page tag); never in the menu.
        register_page_tags(BlogPostPage, lambda page: {page_tag(page), LISTINGS_TAG})

        def author_changed(sender, instance, created=False, **kwargs):
            if not created:
                invalidate_on_commit(author_tag(instance.pk), LISTINGS_TAG, reason=f"author {instance.pk}")

        def category_changed(sender, instance, created=False, **kwargs):
            if not created:
                invalidate_on_commit(
                    category_tag(instance.pk), LISTINGS_TAG, CATEGORIES_TAG, reason=f"category {instance.pk}"
                )

        def tag_changed(sender, instance, created=False, **kwargs):
            if not created:
                invalidate_on_commit(tag_tag(instance.pk), LISTINGS_TAG, reason=f"post tag {instance.pk}")

        for model, receiver in ((Author, author_changed), (Category, category_changed), (PostTag, tag_changed)):
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"blog_cache_save_{model.__name__}")
            post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"blog_cache_delete_{model.__name__}")
        connect_front_cache_purges()
