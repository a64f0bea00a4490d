""" "Als PDF speichern": a post as a PDF, rendered by WeasyPrint once per published revision.

`serve_post_pdf` is the view behind the post route `pdf/` (BlogPostPage.pdf). Wagtail only routes
to it for live posts and applies the post's privacy restrictions before it runs (its
`check_view_restrictions` on_serve_page hook: password form or login redirect); the view checks
both again, so nothing unpublished or restricted is ever rendered, whoever calls it.

The PDF bytes are kept by the caching subsystem (core/cache.py; Redis, shared by every app server, when
REDIS_URL is set) under a key holding the live revision: publishing a new revision gives a new key, and
the entry's tags (the site settings, the names of its authors and categories) drop it when those
change. While a PDF is being rendered, a lock in the same cache makes every other request for it wait
for that one result instead of rendering it again. The PDF is cached once: the full-page cache stores
pages only.
"""

import logging
import re
from urllib.parse import quote, urljoin

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from wagtail.admin.auth import require_admin_access
from wagtail.models import PageViewRestriction

from core import cache as caching
from core.models import SiteSettings

from .apps import author_tag, category_tag

logger = logging.getLogger("blog.pdf")

# Bump when the PDF template changes, so that PDFs rendered by the previous code are not served.
PDF_LAYOUT_VERSION = 2
# Tagged PDF (PDF/UA-1): headings, paragraphs, lists, figures with their alt text and the reading order
# are in the file's structure tree, so screen readers read the article, not a heap of glyphs.
PDF_VARIANT = "pdf/ua-1"
PDF_CACHE_TIMEOUT = 7 * 24 * 60 * 60
# How long a request waits for a PDF another request is rendering before it gives up with 503.
RENDER_WAIT_SECONDS = 30
# A failed render is remembered this long: meanwhile readers get the error page at once instead
# of each one starting another render that fails the same way.
RENDER_FAILURE_TIMEOUT = 15
# Body images: 1200 px wide is sharp at the 17 cm text width of an A4 page (about 180 dpi).
PRINT_IMAGE_SPEC = "width-1200"
PDF_BLOCK_TEMPLATES = {
    "paragraph": "pdf/blocks/paragraph.html",
    "heading": "pdf/blocks/heading.html",
    "image": "pdf/blocks/image.html",
    "quote": "pdf/blocks/quote.html",
    "embed": "pdf/blocks/embed.html",
    "info_box": "pdf/blocks/info_box.html",
    "document": "pdf/blocks/document.html",
}
# Root-relative links (`href="/beitraege/…"`) become absolute, so the PDF links to the site.
ROOT_RELATIVE_HREF = re.compile(r'(\shref=")/(?!/)')


def serve_post_pdf(page, request):
    """The PDF download of a live, public post; a German 503 page when it cannot be made."""
    if not page.live:
        raise Http404
    restrictions = view_restrictions(page)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404
    try:
        pdf = caching.cached_single_flight(
            pdf_cache_key(page),
            lambda: render_post_pdf(page, request),
            PDF_CACHE_TIMEOUT,
            wait=RENDER_WAIT_SECONDS,
            failure_timeout=RENDER_FAILURE_TIMEOUT,
        )
    except caching.RenderBusy:
        logger.warning("PDF of post %s: still rendering elsewhere after %s s", page.pk, RENDER_WAIT_SECONDS)
        return error_response(request, page, busy=True)
    except caching.RenderFailed:
        return error_response(request, page)
    except Exception:
        logger.exception("PDF of post %s (%s) could not be rendered", page.pk, page.slug)
        return error_response(request, page)
    return pdf_response(pdf, page.slug)


def pdf_response(pdf, slug):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{slug}.pdf")
    # The article itself is what search engines should list, not its PDF copy.
    response["X-Robots-Tag"] = "noindex"
    return response


def view_restrictions(page):
    """The privacy restrictions on the post and its ancestors, in one query (Wagtail's takes two)."""
    if page.alias_of_id:
        return list(page.get_view_restrictions())
    return list(PageViewRestriction.objects.filter(page__path__in=ancestor_paths(page.path, page.steplen)))


def ancestor_paths(path, steplen):
    """The tree paths of a page and all its ancestors (treebeard's materialised path)."""
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def pdf_cache_key(page):
    revision = page.live_revision_id
    if revision is None:
        # Pages made in code without a revision: the publication time still changes on publishing.
        revision = f"t{page.last_published_at.timestamp():.0f}" if page.last_published_at else "0"
    return f"pdf:v{PDF_LAYOUT_VERSION}:{page.pk}:{revision}:{translation.get_language()}"


def render_post_pdf(page, request=None):
    """Render the post's PDF: the bytes of a complete document, or an exception."""
    html, base_url = post_pdf_html(page, request)
    pdf = html_to_pdf(html, base_url)
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        raise ValueError("WeasyPrint returned an incomplete PDF")
    return pdf


def html_to_pdf(html, base_url):
    # Imported here: WeasyPrint loads Pango and friends, which only a render needs (config/urls.py
    # imports this module at start-up).
    from weasyprint import HTML

    from .pdf_fetcher import StorageURLFetcher

    return HTML(string=html, base_url=base_url, url_fetcher=StorageURLFetcher(base_url)).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def post_pdf_html(page, request=None):
    """The print HTML of a post and the base URL it must be rendered with."""

    canonical_url = page.get_full_url(request)
    base_url = urljoin(canonical_url, "/")
    site_name = SiteSettings.for_site(page.get_site()).site_name
    authors = [post_author.author for post_author in page.post_authors.select_related("author")]
    categories = list(page.categories.order_by("name"))
    caching.depends_on(*(author_tag(author.pk) for author in authors))
    caching.depends_on(*(category_tag(category.pk) for category in categories))
    context = {
        "page": page,
        "site_name": site_name,
        "canonical_url": canonical_url,
        "authors": authors,
        "categories": categories,
        "featured_rendition": print_rendition(page.featured_image),
        "body_blocks": [pdf_block(block) for block in page.body],
        "language_code": translation.get_language(),
        "css_site_name": css_string(site_name),
        "css_page_counter": css_page_counter(),
    }
    html = render_to_string("pdf/post.html", context)
    return ROOT_RELATIVE_HREF.sub(rf"\1{base_url}", html), base_url


def pdf_block(block):
    """A body block with the print template it renders with (its web template for unknown types)."""
    rendition = print_rendition(block.value["image"]) if block.block_type == "image" else None
    return {
        "block": block,
        "value": block.value,
        "template": PDF_BLOCK_TEMPLATES.get(block.block_type),
        "rendition": rendition,
    }


def print_rendition(image):
    """The print-sized rendition of an image, or None when its file is gone (the PDF leaves it out).

    Its `src` names the file in media storage below MEDIA_URL, whatever URL the storage would give
    (an S3 bucket's, for instance): the URL fetcher reads it from storage, never over HTTP.
    """
    if image is None:
        return None
    try:
        rendition = image.get_rendition(PRINT_IMAGE_SPEC)
    except OSError:  # Wagtail's SourceImageIOError included
        logger.warning("PDF: image %s (%s) has no readable file; left out", image.pk, image.file.name)
        return None
    return {
        "src": settings.MEDIA_URL + quote(rendition.file.name),
        "alt": rendition.alt,
        "width": rendition.width,
        "height": rendition.height,
    }


def css_string(text):
    """`text` as a quoted CSS string, safe inside <style>."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return mark_safe(f'"{escaped}"')  # noqa: S308 - escaped above for a CSS string


def css_page_counter():
    """ "Seite X von Y" as a CSS `content` value, from the translated wording."""
    parts = re.split(r"(\{page\}|\{pages\})", _("Seite {page} von {pages}"))
    tokens = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return mark_safe(" ".join(tokens.get(part) or css_string(part) for part in parts if part))  # noqa: S308


def error_response(request, page, busy=False):
    """The German page readers get instead of a PDF; status 503, so nothing caches it."""
    context = {"page": page, "busy": busy}
    try:
        response = render(request, "pdf/error.html", context, status=503)
    except Exception:
        logger.exception("PDF error page could not be rendered")
        response = HttpResponse(
            _("Das PDF kann gerade nicht erstellt werden. Bitte versuche es gleich noch einmal."),
            content_type="text/plain; charset=utf-8",
            status=503,
        )
    response["Retry-After"] = "10" if busy else str(RENDER_FAILURE_TIMEOUT)
    return response


# --- Editors: the PDF of the latest draft ---------------------------------------------------------


@require_admin_access
def post_pdf_preview(request, page_id):
    """/admin/pdf-vorschau/<id>/: the PDF of a post's latest saved revision, for those who may edit it.

    Rendered on every request and never cached, so a draft cannot end up in the readers' cache.
    """
    from .models import BlogPostPage

    post = get_object_or_404(BlogPostPage, pk=page_id)
    if not post.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    draft = post.get_latest_revision_as_object()
    try:
        pdf = render_post_pdf(draft, request)
    except Exception:
        logger.exception("PDF preview of post %s could not be rendered", post.pk)
        response = error_response(request, post)
    else:
        response = pdf_response(pdf, draft.slug)
    add_never_cache_headers(response)
    return response
