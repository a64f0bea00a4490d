"""What changes when the comments readers see on a post change (core/cache.py; docs/caching.md).

The lifecycle sends `public_comments_changed` after the commit; `on_public_comments_changed` invalidates
the post's comment tag (its page, its thread fragment, the listings that show its count) and purges the
post from the front cache (nginx or a CDN, when `wagtail.contrib.frontend_cache` is installed).
"""

import logging

from django.apps import apps

from wagtail.models import Page

from core.cache import depends_on, invalidate

logger = logging.getLogger(__name__)


# Every change of public comments anywhere (the site's comment feed, the "Neueste Kommentare" box).
ALL_COMMENTS_TAG = "comments"


def comments_tag(post_id):
    return f"comments:{post_id}"


def shows_comments_of(*post_ids):
    """Record that what is being rendered shows the public comments (or their count) of these posts."""
    depends_on(*(comments_tag(post_id) for post_id in post_ids))


def on_public_comments_changed(sender, post_id, **kwargs):
    invalidate(comments_tag(post_id), ALL_COMMENTS_TAG, reason=f"comments of post {post_id}")
    if apps.is_installed("wagtail.contrib.frontend_cache"):
        from wagtail.contrib.frontend_cache.utils import purge_page_from_cache

        page = Page.objects.filter(pk=post_id).specific().first()
        if page is None:
            return
        try:
            purge_page_from_cache(page)
        except Exception:
            # A CDN that does not answer must not undo the moderation; the page expires on its own.
            logger.exception("Could not purge post %s from the front-end cache", post_id)
