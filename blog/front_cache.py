"""Purge from the front cache (nginx or a CDN) everything a post's publish changes, not only its URL.

Wagtail's `wagtail.contrib.frontend_cache` purges a page's own URL when it is published or
unpublished. A post also shows on other pages, which the front cache would otherwise keep for
`proxy_cache_valid`: the home page, the blog index and its feeds, the first page of the archives of
its categories, their parent categories (and their feeds) and its authors, the year and month
archives of its date, the sitemap, and its own PDF (`pdf/`). The categories, authors and date of
the revision published before count too, so a post taken out of a category leaves that archive at
once.

Only active when a front cache is configured (`WAGTAILFRONTENDCACHE`, set by the production settings
from `FRONTEND_CACHE_PURGE_URL`). The purge goes through Wagtail's `PurgeBatch`, i.e. its task (the
task queue in production), like Wagtail's own purges. Later pages of listings (`?seite=2`) are not
purged; they expire. Connected in `BlogConfig.ready`.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def front_cache_configured():
    # Wagtail's own optional setting (the production settings set it from FRONTEND_CACHE_PURGE_URL).
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _previous_revision_content(post, revision):
    """The content of the revision saved before `revision` (what was probably live until now)."""
    revisions = post.revisions.order_by("-created_at", "-id")
    if revision is not None:
        revisions = revisions.exclude(pk=revision.pk).filter(created_at__lte=revision.created_at)
    previous = revisions.first()
    return previous.content if previous is not None else {}


def post_related_urls(post, revision=None):
    """Full URLs, besides the post's own, whose content changes when `post` is published or unpublished."""
    from .categories import CategoryTree
    from .models import Author, BlogPostAuthor, Category

    post_url = post.get_full_url()
    if post_url is None:  # not routable (no site)
        return set()
    urls = {post_url + "pdf/"}

    site = post.get_site()
    if site is not None:
        home_url = site.root_page.get_full_url()
        if home_url:
            urls.add(home_url)
            urls.add(site.root_url + "/sitemap.xml")

    index = post.blog_index
    if index is None:
        return urls
    index_url = index.get_full_url()
    if index_url is None:
        return urls

    def route(name, *args):
        return index_url + index.reverse_subpage(name, args=list(args) or None)

    urls |= {index_url, route("feed"), route("atom_feed")}

    previous = _previous_revision_content(post, revision)
    category_ids = set(Category.objects.filter(posts__pk=post.pk).values_list("pk", flat=True))
    category_ids |= {pk for pk in previous.get("categories") or [] if isinstance(pk, int)}
    # A category's archive lists the posts of the categories below it too (Category.parent).
    tree = CategoryTree.load()
    for pk in list(category_ids):
        category_ids |= set(tree.ancestors(pk))
    for slug in Category.objects.filter(pk__in=category_ids).values_list("slug", flat=True):
        urls |= {route("category", slug), route("category_feed", slug), route("category_atom_feed", slug)}

    author_ids = set(BlogPostAuthor.objects.filter(page_id=post.pk).values_list("author_id", flat=True))
    author_ids |= {item.get("author") for item in previous.get("post_authors") or [] if isinstance(item, dict)}
    for slug in Author.objects.filter(pk__in=author_ids - {None}).values_list("slug", flat=True):
        urls.add(route("author", slug))

    dates = {post.date}
    with contextlib.suppress(KeyError, TypeError, ValueError):
        dates.add(datetime.date.fromisoformat(previous["date"]))
    for date in dates - {None}:
        urls |= {route("year", str(date.year)), route("month", str(date.year), f"{date.month:02d}")}
    return urls


def purge_what_a_publish_changes(sender, instance, revision=None, **kwargs):
    """`page_published` / `page_unpublished` handler for posts."""
    if not front_cache_configured():
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    try:
        PurgeBatch(post_related_urls(instance, revision)).purge()
    except Exception:
        # A front cache that does not answer must not undo the publish; the pages expire on their own.
        logger.exception("Could not purge the pages that show post %s from the front cache", instance.pk)


def purge_what_a_restriction_hides(sender, instance, **kwargs):
    """A privacy restriction added to (or removed from) a page: the posts below it, with their PDFs and
    the listings that showed them, leave the front cache at once, not after `proxy_cache_valid`."""
    if not front_cache_configured():
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    from .models import BlogPostPage

    urls = set()
    try:
        page = instance.page
        posts = BlogPostPage.objects.filter(path__startswith=page.path).order_by("-first_published_at")
        for post in posts[:200]:  # a restriction on a whole section: the newest listings matter most
            urls.add(post.get_full_url())
            urls |= post_related_urls(post)
        urls.add(page.get_full_url())
        PurgeBatch(sorted(url for url in urls if url)).purge()
    except Exception:
        logger.exception("Could not purge the pages below page %s from the front cache", instance.page_id)


def connect_front_cache_purges():
    """Called once from `BlogConfig.ready()`."""
    from django.db.models.signals import post_delete, post_save

    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    from .models import BlogPostPage

    for signal in (post_save, post_delete):
        signal.connect(
            lambda sender, instance, **kwargs: transaction.on_commit(
                lambda: purge_what_a_restriction_hides(sender, instance)
            ),
            sender=PageViewRestriction,
            weak=False,
            dispatch_uid=f"front_cache_restriction_{signal is post_save}",
        )

    page_published.connect(purge_what_a_publish_changes, sender=BlogPostPage, dispatch_uid="front_cache_published")
    page_unpublished.connect(purge_what_a_publish_changes, sender=BlogPostPage, dispatch_uid="front_cache_unpublished")
