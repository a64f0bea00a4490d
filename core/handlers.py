"""Django's WSGI and ASGI handlers, with requests that survive an unparseable Content-Type header.

Django builds the request object before any of its exception handling runs, and building it parses
the Content-Type header: a charset parameter in RFC 2231 form in an unknown encoding
(`charset*=bogus''x`) or one that decodes to a NUL (`charset*=utf-8''%00`) raises ValueError
there, which reaches the server as a bare 500. Such a header is treated as no content type: the
body is not read as a form, and the view answers as to any request without form data (the comment
view with its German 400 page).
"""

import logging

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest

logger = logging.getLogger(__name__)


class TolerantContentTypeMixin:
    def _set_content_type_params(self, meta):
        try:
            super()._set_content_type_params(meta)
        except ValueError:
            logger.info("Unparseable Content-Type header ignored: %r", meta.get("CONTENT_TYPE", "")[:200])
            self.content_type, self.content_params = "", {}


class TolerantWSGIRequest(TolerantContentTypeMixin, WSGIRequest):
    pass


class TolerantASGIRequest(TolerantContentTypeMixin, ASGIRequest):
    pass


class TolerantWSGIHandler(WSGIHandler):
    request_class = TolerantWSGIRequest


class TolerantASGIHandler(ASGIHandler):
    request_class = TolerantASGIRequest
