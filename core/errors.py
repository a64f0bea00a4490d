"""Error pages that must render when the database is gone (no query, no site settings)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    return isinstance(error, OperationalError | InterfaceError)


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
        comment_text = name = ""
        if request.method == "POST":
            try:
                comment_text = request.POST.get("comment", "")
                name = request.POST.get("name", "")
            except Exception:  # noqa: BLE001 - a broken body must not hide the 503 page
                logger.debug("Could not read the POST data for the 503 page", exc_info=True)
        return service_unavailable(request, comment_text=comment_text, name=name)
    return default_server_error(request, template_name=template_name)
