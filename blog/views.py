"""Site-wide reader endpoints that are not pages: robots.txt."""

from django.http import HttpResponse
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
