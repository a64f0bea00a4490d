"""Old WordPress query links (`/?p=123`, `/?cat=5`, `/?author=2`) answer with their redirect.

The import stores them as ordinary Wagtail redirects (editors see them under Einstellungen →
Weiterleitungen). Wagtail's RedirectMiddleware only looks at 404 responses, but `/?p=123` is the home
page with a query string and answers 200, so on the site root we look the redirect up ourselves.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect

from wagtail import hooks
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

from core.text import is_number

WORDPRESS_QUERY_KEYS = ("p", "cat", "author")


@hooks.register("before_serve_page")
def redirect_wordpress_query_links(page, request, serve_args, serve_kwargs):
    if request.path != "/" or not request.GET:
        return None
    for key in WORDPRESS_QUERY_KEYS:
        value = request.GET.get(key, "")
        if is_number(value):
            redirect = get_redirect(request, Redirect.normalise_path(f"/?{key}={value}"))
            if redirect is not None and redirect.link:
                response_class = HttpResponsePermanentRedirect if redirect.is_permanent else HttpResponseRedirect
                return response_class(redirect.link)
    return None
