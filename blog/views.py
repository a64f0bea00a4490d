"""Site-wide reader endpoints that are not pages: robots.txt and the old tag addresses."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Everything may be crawled except the admin and the search; the sitemap lists every live page."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /beitraege/suche/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def find_tag(slug):
    """The tag an old address names: WordPress kept umlauts in tag slugs (`/tag/pr%C3%BCm/`), the import
    and our rule spell them the German way (`pruem`); both find it. None when there is no such tag."""
    from core.text import german_slug

    from .models import PostTag

    return PostTag.objects.filter(slug__in={slug, german_slug(slug)}).first()


@require_GET
def tag_redirect(request, slug, feed=""):
    """WordPress's `/tag/<slug>/` (and its `feed/`) → the tag's archive (or feed) under the post index, 301."""
    from .models import BlogIndexPage

    route = {"": "tag", "feed": "tag_feed"}.get(feed)
    tag = find_tag(slug) if route else None
    blog_index = BlogIndexPage.for_request(request) if tag else None
    if blog_index is None:
        raise Http404
    blog_index.public_tag(tag.slug)  # 404 for a tag no public post carries yet
    return HttpResponsePermanentRedirect(blog_index.url + blog_index.reverse_subpage(route, args=[tag.slug]))
