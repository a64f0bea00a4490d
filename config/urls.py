from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from blog.pdf import post_pdf_preview
from blog.views import robots_txt, tag_redirect
from comments import report_views as comment_report_views
from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before Wagtail's admin, which answers 404 to every other admin/ address (blog/pdf.py).
    path("admin/pdf-vorschau/<int:page_id>/", post_pdf_preview, name="post_pdf_preview"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # WordPress's tag archives and their feeds (blog/views.py).
    path("tag/<str:slug>/", tag_redirect, name="tag_redirect"),
    path("tag/<str:slug>/<slug:feed>/", tag_redirect, name="tag_feed_redirect"),
    path("kommentare/", include("comments.urls")),
    path("netiquette/", comment_report_views.netiquette, name="netiquette"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database outage becomes a German 503 page (with an unsaved comment shown back), not a 500.
handler500 = "core.errors.server_error"
# Requests Django refuses (a host we do not serve, a body it cannot parse): a German 400 page that
# needs no site and no database, with a comment's text shown back.
handler400 = "core.errors.bad_request"

urlpatterns += [
    # Wagtail's page serving comes last: it claims every URL not matched above.
    path("", include(wagtail_urls)),
]
