"""The full-page cache for anonymous readers (docs/caching.md).

A page is stored with the tags of what it shows (core/cache.py) and served again while none of them
changed. Only requests that carry no cookie but the CSRF cookie are served from or stored in the cache:
a session (logged-in editor, moderator), a reader's own held-comment preview (`comment_preview`), pending
messages or anything else that could make a page personal bypasses it. Only responses that are 200, HTML,
set no cookie, are not marked private/no-store and did not use a CSRF token are stored.
"""

import hashlib

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import cache as caching
from .text import is_number

CACHE_HEADER = "X-Cache"
# Cookies that do not make a page personal: the CSRF cookie only matters for POSTs, and cached
# pages never contain a CSRF token (see `is_storable`).
HARMLESS_COOKIES = {"csrftoken"}
# The one query parameter whose pages are cached: the page number of listings. Any other query
# string (search terms, tracking parameters) bypasses the cache, so nobody can fill it with junk.
PAGE_QUERY_PARAMETER = "seite"
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")


def page_number_used(request):
    """Views that paginate say so: only their `?seite=` pages are stored (elsewhere the parameter means
    nothing, and every value would be one more entry)."""
    request.page_number_used = True


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PATH_PREFIXES):
        return False
    if set(request.COOKIES) - HARMLESS_COOKIES:
        return False
    if request.GET:
        keys = list(request.GET)
        number = request.GET[PAGE_QUERY_PARAMETER] if keys == [PAGE_QUERY_PARAMETER] else ""
        # One spelling per page: "2", not "02" or "0002"; page 1 is the address without the parameter.
        if not is_number(number, max_length=6) or str(int(number)) != number or int(number) < 2:
            return False
    # Requests with credentials in a header are never anonymous.
    return "HTTP_AUTHORIZATION" not in request.META


def page_key(request):
    language = translation.get_language_from_request(request)
    raw = f"{request.get_host()}|{request.path}|{request.META.get('QUERY_STRING', '')}|{language}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"


def is_storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    # Pages only: a PDF is cached once, by its revision (blog/pdf.py), not a second time here.
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # A page that asked for a CSRF token carries one that belongs to this visitor's cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if PAGE_QUERY_PARAMETER in request.GET and not getattr(request, "page_number_used", False):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests from the shared page cache; store what may be shared.

    Sits right after WhiteNoise, before the session and authentication middleware, so a hit costs
    two cache reads (the page, then its tags' stamps) and no SQL query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with caching.request_scope():
            return self.respond(request)

    def respond(self, request):
        seconds = caching.page_seconds()
        if not seconds or not is_cacheable_request(request):
            response = self.get_response(request)
            if seconds:
                response[CACHE_HEADER] = "BYPASS"
            return response

        key = page_key(request)
        cached = caching.get_fresh(key)
        if cached is not None:
            return self.response_from_cache(cached)

        with caching.recording() as rec:
            response = self.get_response(request)
        # Shared caches between us and the reader must keep personal variants apart.
        patch_vary_headers(response, ("Cookie",))
        if rec.clock is not None and is_storable(request, response):
            headers = [(name, value) for name, value in response.items() if name.lower() != CACHE_HEADER.lower()]
            caching.store(key, {"content": response.content, "headers": headers}, rec, seconds)
            response[CACHE_HEADER] = "MISS"
        else:
            response[CACHE_HEADER] = "BYPASS"
        return response

    @staticmethod
    def response_from_cache(cached):
        response = HttpResponse(cached["content"], status=200)
        for name, value in cached["headers"]:
            response[name] = value
        response[CACHE_HEADER] = "HIT"
        return response
