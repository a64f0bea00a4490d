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
from django.utils.http import urlencode

from . import cache as caching
from .text import is_number

CACHE_HEADER = "X-Cache"
# Cookies that do not make a page personal: the CSRF cookie only matters for POSTs, and cached
# pages never contain a CSRF token (see `is_storable`).
HARMLESS_COOKIES = {"csrftoken"}
# The page number of listings (and of a post's comment threads): the first cacheable parameter.
PAGE_QUERY_PARAMETER = "seite"
SKIPPED_PATH_PREFIXES = ("/admin/", "/documents/", "/healthz", "/static/", "/media/")

# Query parameters whose pages are cached, each with the test of its one canonical spelling. Any other
# query string (search terms, tracking parameters, a second spelling of the same page) bypasses the
# cache, so nobody can fill it with junk. Apps add theirs in ready() (`register_cacheable_parameter`).
_cacheable_parameters = {}


def register_cacheable_parameter(name, is_canonical):
    """Let pages whose query string carries `name` be cached, for the values `is_canonical(value)` accepts.

    Only what a view marks as used (`parameter_used`) is stored, so the parameter means nothing (and costs
    no entry) elsewhere. The view must answer values it does not know with a 404 (never stored), so the
    number of entries stays the number of pages that exist. Several parameters combine in one canonical
    order: sorted by name (`canonical_query`)."""
    _cacheable_parameters[name] = is_canonical


def is_canonical_page_number(value):
    """ "2", not "02" or "0002"; page 1 is the address without the parameter."""
    return is_number(value, max_length=6) and str(int(value)) == value and int(value) >= 2


register_cacheable_parameter(PAGE_QUERY_PARAMETER, is_canonical_page_number)


def canonical_query(params):
    """The one query string for these parameters (a dict): sorted by name, URL-encoded."""
    return urlencode(sorted((name, value) for name, value in params.items() if value))


def parameter_used(request, *names):
    """A view says which cacheable parameters it read: only pages whose every parameter was used are stored."""
    request.cacheable_parameters_used = {*getattr(request, "cacheable_parameters_used", ()), *names}


def page_number_used(request):
    """Views that paginate say so: only their `?seite=` pages are stored (elsewhere the parameter means
    nothing, and every value would be one more entry)."""
    parameter_used(request, PAGE_QUERY_PARAMETER)


def has_canonical_query(request):
    """True for no query string, or one of registered parameters in their canonical spelling and order."""
    query_string = request.META.get("QUERY_STRING", "")
    if not query_string:
        return True
    params = request.GET.dict()
    if not all(name in _cacheable_parameters and _cacheable_parameters[name](value) for name, value in params.items()):
        return False
    # Repeated parameters, another order, percent-encoding or a trailing "&": not the one spelling.
    return query_string == canonical_query(params)


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PATH_PREFIXES):
        return False
    if set(request.COOKIES) - HARMLESS_COOKIES:
        return False
    if not has_canonical_query(request):
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
    if set(request.GET) - getattr(request, "cacheable_parameters_used", set()):
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
