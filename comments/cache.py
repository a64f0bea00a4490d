"""One place that makes cached copies of a post forget their comments.

Whenever the comments readers see on a post change (approved, withdrawn, edited, deleted), the lifecycle
sends `public_comments_changed` and `on_public_comments_changed` calls `invalidate_post(page)`. It purges Wagtail's front-end cache (when
`wagtail.contrib.frontend_cache` is installed), deletes the cache keys below, and sends `post_comments_changed`
so any other cache of the page (full-page cache, PDF) can drop its copy without this module knowing it.
"""

import logging

from django.apps import apps
from django.core.cache import cache
from django.dispatch import Signal

from wagtail.models import Page

logger = logging.getLogger(__name__)

# Sent with `page` (the specific post) after its visible comments changed.
post_comments_changed = Signal()


def post_cache_keys(page):
    """Cache keys that hold something derived from a post's comments. Code that caches a post's
    comments section or its PDF should use these keys, so the moderation can delete them."""
    return [f"post:{page.pk}:comments", f"post:{page.pk}:pdf"]


def invalidate_post(page):
    cache.delete_many(post_cache_keys(page))
    if apps.is_installed("wagtail.contrib.frontend_cache"):
        from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

        try:
            purge_page_from_cache(page)
        except Exception:
            # A CDN that does not answer must not undo the moderation; the page expires on its own.
            logger.exception("Could not purge post %s from the front-end cache", page.pk)
    post_comments_changed.send(sender=type(page), page=page)


def invalidate_post_by_id(page_id):
    page = Page.objects.filter(pk=page_id).specific().first()
    if page is not None:
        invalidate_post(page)


def on_public_comments_changed(sender, post_id, **kwargs):
    invalidate_post_by_id(post_id)
