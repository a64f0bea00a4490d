"""The only way WeasyPrint gets at files while it renders a post PDF.

Static files (fonts) and media files (image renditions) are read straight from storage; `data:` URLs
are decoded in memory. Every other URL is refused, whatever its scheme or host: the renderer never
opens a network connection, not even to the site itself, so a URL an editor pastes into a post
cannot make the server fetch anything (no server-side request forgery).
"""

import functools
import logging
import mimetypes
import posixpath
from io import BytesIO
from urllib import request as urllib_request
from urllib.parse import unquote, urljoin, urlsplit

from fontTools.ttLib import woff2
from weasyprint.urls import URLFetcher, URLFetcherResponse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage

logger = logging.getLogger("blog.pdf")


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch."""


class StorageURLFetcher(URLFetcher):
    """Serves `<base>/static/…` from the static files and `<base>/media/…` from the default storage.

    `base_url` is the site's public root (the HTML is rendered with it as base URL, so links in
    the PDF point at the public site); it is never contacted. Refused and missing URLs raise: WeasyPrint
    then leaves the resource out and goes on rendering.
    """

    def __init__(self, base_url):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)
        self.media_prefix = urljoin(base_url, settings.MEDIA_URL)
        self.requested = []
        self.refused = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        if url.startswith("data:"):
            response = urllib_request.DataHandler().data_open(urllib_request.Request(url))  # noqa: S310 - data: only
            return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})
        if url.startswith(self.static_prefix):
            name = storage_name(url, self.static_prefix)
            return self.response(url, name, read_static_file(name))
        if url.startswith(self.media_prefix):
            name = storage_name(url, self.media_prefix)
            try:
                with default_storage.open(name, "rb") as media_file:
                    return self.response(url, name, media_file.read())
            except FileNotFoundError:
                logger.warning("PDF: media file %s is missing; left out", name)
                raise
        self.refused.append(url)
        logger.warning("PDF: refused to fetch %s (only static and media files are read)", url)
        raise RefusedURL(f"The PDF renderer does not fetch {url}")

    @staticmethod
    def response(url, name, body):
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, BytesIO(body), {"Content-Type": content_type})


def storage_name(url, prefix):
    """The file name below a static or media prefix, refusing anything that climbs out of it."""
    path = unquote(urlsplit(url[len(prefix) :]).path)
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or ".." in parts or "" in parts[:-1]:
        raise RefusedURL(f"Not a plain file name below {prefix}: {url}")
    return posixpath.normpath(path)


def read_static_file(name):
    if settings.DEBUG:
        return _read_static_file(name)
    return _read_static_file_cached(name)


@functools.lru_cache(maxsize=64)
def _read_static_file_cached(name):
    # Static files do not change while the process runs (a deployment restarts it).
    return _read_static_file(name)


def _read_static_file(name):
    """Bytes of a static file: from the source folders (finders), else from the collected files.

    Web fonts are handed over decompressed: WeasyPrint would otherwise unpack every WOFF2 font on
    every render, which is the biggest fixed cost of a short PDF.
    """
    path = finders.find(name)
    if path:
        with open(path, "rb") as static_file:
            body = static_file.read()
    elif staticfiles_storage.exists(name):
        with staticfiles_storage.open(name, "rb") as static_file:
            body = static_file.read()
    else:
        logger.warning("PDF: static file %s not found", name)
        raise FileNotFoundError(name)
    if body[:4] == b"wOF2":
        decompressed = BytesIO()
        woff2.decompress(BytesIO(body), decompressed)
        body = decompressed.getvalue()
    return body
