"""The shared full-page cache for anonymous readers (docs/caching.md explains the design).

A page is stored in Django's cache (Redis in production) under a key that contains the cache
*generation*, a number kept in the cache itself. Any change that can alter what a page shows
(publish, unpublish, delete, move, comment approval, site settings, authors, categories, images)
starts a new generation, so every cached page is dropped at once, on every app server.

Only requests that carry no cookie but the CSRF cookie are served from or stored in the cache:
a session (logged-in editor, moderator), a reader's own held-comment preview (`comment_preview`),
pending messages or anything else that could make a page personal bypasses it. Only responses that
are 200, HTML or PDF, set no cookie, are not marked private/no-store and did not use a CSRF token are stored.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
CACHE_HEADER = "X-Cache"
# Cookies that do not make a page personal: the CSRF cookie only matters for POSTs, and cached
# pages never contain a CSRF token (see `_is_storable`).
HARMLESS_COOKIES = {"csrftoken"}
# The one query parameter whose pages are cached: the page number of listings. Any other query
# string (search terms, tracking parameters) bypasses the cache, so nobody can fill it with junk.
PAGE_QUERY_PARAMETER = "seite"
# Pages, and the PDF of a post ("Als PDF speichern"): both change only when the post does.
STORED_CONTENT_TYPES = ("text/html", "application/pdf")
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def fragment_cache_seconds():
    """How long shared template fragments (`{% sharedcache %}`) are kept; 0 turns them off."""
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", page_cache_seconds())


def generation_for(request):
    """The generation, read once per request: a page with several shared fragments asks the cache
    once, and when Redis hangs instead of refusing, the reader waits for one timeout, not one per fragment."""
    if not hasattr(request, "_page_cache_generation"):
        request._page_cache_generation = current_generation()
    return request._page_cache_generation


def current_generation():
    """The current generation, created on first use. None when the cache does not answer."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A nanosecond clock, not 1: if Redis loses the key (eviction, restart), a fresh start
        # must never reuse a number that old entries still carry.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def invalidate_all_pages(reason=""):
    """Start a new generation: every page stored so far is never served again."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # No generation yet (or Redis lost it): any new number works, old keys are unreachable.
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    logger.debug("Page cache invalidated: %s", reason)


def _cookie_names(request):
    return set(request.COOKIES)


def _is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PATH_PREFIXES):
        return False
    if _cookie_names(request) - HARMLESS_COOKIES:
        return False
    if request.GET:
        keys = list(request.GET)
        if keys != [PAGE_QUERY_PARAMETER] or not request.GET[PAGE_QUERY_PARAMETER].isdigit():
            return False
    # Requests with credentials in a header are never anonymous.
    return "HTTP_AUTHORIZATION" not in request.META


def _cache_key(request, generation):
    language = translation.get_language_from_request(request)
    raw = f"{request.get_host()}|{request.path}|{request.META.get('QUERY_STRING', '')}|{language}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"


def _is_storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith(STORED_CONTENT_TYPES):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # A page that asked for a CSRF token carries one that belongs to this visitor's cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests from the shared page cache; store what may be shared.

    Sits right after WhiteNoise, before the session and authentication middleware, so a hit costs
    two cache reads and no SQL query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if not seconds or not _is_cacheable_request(request):
            response = self.get_response(request)
            if seconds:
                response[CACHE_HEADER] = "BYPASS"
            return response

        generation = generation_for(request)
        if generation is None:
            # The cache is down: render every page, store nothing.
            response = self.get_response(request)
            response[CACHE_HEADER] = "BYPASS"
            return response

        key = _cache_key(request, generation)
        cached = cache.get(key)
        if cached is not None:
            return self._response_from_cache(cached)

        response = self.get_response(request)
        # Shared caches between us and the reader must keep personal variants apart.
        patch_vary_headers(response, ("Cookie",))
        if _is_storable(request, response):
            headers = [(name, value) for name, value in response.items() if name.lower() != CACHE_HEADER.lower()]
            cache.set(key, {"content": response.content, "headers": headers}, timeout=seconds)
            response[CACHE_HEADER] = "MISS"
        else:
            response[CACHE_HEADER] = "BYPASS"
        return response

    @staticmethod
    def _response_from_cache(cached):
        response = HttpResponse(cached["content"], status=200)
        for name, value in cached["headers"]:
            response[name] = value
        response[CACHE_HEADER] = "HIT"
        return response


# --- Route cache ------------------------------------------------------------------------------

ROUTE_URL_NAME = "wagtail_serve"


def _path_components(request):
    return [component for component in request.path.split("/") if component]


def _route_key(request, generation):
    digest = hashlib.sha256(f"{request.get_host()}|{request.path}".encode()).hexdigest()
    return f"route:{generation}:{digest}"


class RouteCacheMiddleware:
    """Remember which page answers a URL, so a rendered page skips most of Wagtail's routing.

    Wagtail finds a page by walking the tree from the site's root: for /beitraege/<slug>/ that is six
    queries (each level's child by slug, then its specific row). After a page has been served, this
    stores the page's id, type and how many path components it consumed, under a key that holds the
    page-cache generation, so any publish, move, unpublish, delete or site change forgets it, together
    with the site that answered (so the site lookup is spared as well). The next
    request for that URL loads the page with one query and lets the page route the rest itself (a
    RoutablePage's sub-routes need no query), and hands the result to Wagtail through
    `request._wagtail_route_for_request`, which `Page.route_for_request` reads. Wagtail's serve view
    then runs as always, privacy checks and hooks included. Anything unexpected falls back to
    Wagtail's own routing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if request.method in ("GET", "HEAD") and fragment_cache_seconds():
            generation = generation_for(request)
            if generation is not None:
                key = _route_key(request, generation)
                self._use_cached_route(request, cache.get(key))
        response = self.get_response(request)
        if key is not None and response.status_code == 200 and not hasattr(request, "_route_from_cache"):
            self._remember_route(request, key)
        return response

    @staticmethod
    def _use_cached_route(request, entry):
        if not entry:
            return
        from django.contrib.contenttypes.models import ContentType
        from django.http import Http404

        content_type_id, page_id, consumed, site = entry
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        page = model._default_manager.filter(pk=page_id).first() if model is not None else None
        if page is None:
            return
        # The site that answered this host before (a fresh copy from the cache, with its root page):
        # spares the site lookup Wagtail's settings and URL helpers would otherwise query for.
        request._wagtail_site = site
        try:
            request._wagtail_route_for_request = page.route(request, _path_components(request)[consumed:])
        except Http404:
            del request._wagtail_site
            return
        request._route_from_cache = True

    @staticmethod
    def _remember_route(request, key):
        match = getattr(request, "resolver_match", None)
        route = getattr(request, "_wagtail_route_for_request", None)
        site = getattr(request, "_wagtail_site", None)
        if match is None or match.url_name != ROUTE_URL_NAME or route is None or site is None:
            return
        page = route.page
        root_path = site.root_page.url_path
        if not page.url_path.startswith(root_path):
            return  # an alias or a page of another site: leave it to Wagtail
        page_components = [component for component in page.url_path[len(root_path) :].split("/") if component]
        if _path_components(request)[: len(page_components)] != page_components:
            return
        entry = (page.content_type_id, page.pk, len(page_components), site)
        cache.set(key, entry, timeout=fragment_cache_seconds())


# --- Invalidation -----------------------------------------------------------------------------

# Models whose changes show on pages without a page being published: snippets, settings, media and
# the site itself. Comments are not among them: only a change to what readers see counts, and the
# comment lifecycle announces exactly those (`post_comments_changed`); a held or spam comment changes
# no public page.
INVALIDATING_MODELS = [
    "blog.Author",
    "blog.Category",
    "home.SiteSettings",
    "comments.CommentSettings",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailcore.Site",
    "wagtailredirects.Redirect",
    # A privacy restriction added to a page must hide its cached copies (page and PDF) at once.
    "wagtailcore.PageViewRestriction",
]


# Models whose new rows show on a page at once; new rows of the others (a settings row made with
# defaults on first use, a new author or image) show only once a page that uses them is published.
SHOWN_WHEN_CREATED = {"wagtailcore.PageViewRestriction"}
# Bookkeeping that Wagtail saves while rendering (an image's size and hash): changes nothing shown.
BOOKKEEPING_FIELDS = {"file_size", "file_hash"}


def _invalidate_on_model_change(sender, created=False, update_fields=None, **kwargs):
    if created and sender._meta.label not in SHOWN_WHEN_CREATED:
        return
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    invalidate_all_pages(reason=f"{sender._meta.label} changed")


def _invalidate_on_page_change(sender, instance=None, page=None, **kwargs):
    invalidate_all_pages(reason=f"page {getattr(instance or page, 'pk', '?')} changed")


def _invalidate_on_live_page_save(sender, instance, **kwargs):
    """Live pages saved outside the publish workflow (imports, scripts) and draft saves alike."""
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        invalidate_all_pages(reason=f"live page {instance.pk} saved")


def _invalidate_on_page_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate_all_pages(reason=f"page {instance.pk} deleted")


def connect_invalidation_signals():
    """Called once from `config.apps.ConfigConfig.ready()`."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_invalidate_on_page_change, dispatch_uid="pagecache_published")
    page_unpublished.connect(_invalidate_on_page_change, dispatch_uid="pagecache_unpublished")
    post_page_move.connect(_invalidate_on_page_change, dispatch_uid="pagecache_moved")
    post_delete.connect(_invalidate_on_page_delete, dispatch_uid="pagecache_page_deleted")
    post_save.connect(_invalidate_on_live_page_save, dispatch_uid="pagecache_live_page_saved")
    try:
        from comments.cache import post_comments_changed
    except ImportError:
        pass
    else:
        post_comments_changed.connect(_invalidate_on_page_change, dispatch_uid="pagecache_comments_changed")
    for label in INVALIDATING_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_invalidate_on_model_change, sender=model, dispatch_uid=f"pagecache_save_{label}")
        post_delete.connect(_invalidate_on_model_change, sender=model, dispatch_uid=f"pagecache_delete_{label}")
