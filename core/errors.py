"""Error pages that must render when the database is gone or no site is known (no query, no site
settings): 400 (a request Django refuses, e.g. for a host we do not serve) and 500/503."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    return isinstance(error, OperationalError | InterfaceError)


# Names of the URLs whose forms a reader types long text into (registered by the app that owns the
# form, in its `ready()`): a 400 for a POST to one of them shows the text back so that it is not lost.
# A POST anywhere else (a login form, say) never has what it carried echoed into a page.
TEXT_KEEPING_URL_NAMES = set()


def keep_typed_text_for(url_name):
    TEXT_KEEPING_URL_NAMES.add(url_name)


def keeps_typed_text(request):
    try:
        return resolve(request.path_info).url_name in TEXT_KEEPING_URL_NAMES
    except (Resolver404, ValueError, TypeError):
        return False


def posted_comment(request):
    """(text, name) a reader typed into a form that keeps typed text (`comment` and `name` fields), for
    showing it back; empty when the body cannot be read (already refused as too big or malformed, or
    not a form at all)."""
    if request.method != "POST" or not keeps_typed_text(request):
        return "", ""
    try:
        return request.POST.get("comment", ""), request.POST.get("name", "")
    except Exception:  # noqa: BLE001 - a broken body must not hide the error page
        logger.debug("Could not read the POST data for the error page", exc_info=True)
        return "", ""


def bad_request(request, exception, template_name="400.html"):
    """handler400: the German 400 page. Django calls it for requests it refuses before or while a
    view runs (a host we do not serve, an unparseable body, other suspicious operations), so it
    uses no site, no database and nothing of the request but its method, path and body: never
    `request.get_host()`, which raises for the host that got the request here. A comment whose
    text can still be read is shown back so that it is not lost."""
    comment_text, name = posted_comment(request)
    html = loader.get_template(template_name).render({"comment_text": comment_text, "name": name})
    response = HttpResponseBadRequest(html)
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable(request, comment_text="", name=""):
    """The German 503 page; a comment that could not be stored is shown back to its author."""
    html = loader.get_template("503.html").render({"comment_text": comment_text, "name": name})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the database being unreachable is a 503 (try again soon), not a bug."""
    import sys

    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        logger.warning("Database unavailable while serving %s %s: %s", request.method, request.path, error)
        comment_text, name = posted_comment(request)
        return service_unavailable(request, comment_text=comment_text, name=name)
    return default_server_error(request, template_name=template_name)
