"""The site's navigation in one query per request: the menu (the home page's live, public children marked
"In Menüs anzeigen") and the pages the footer links of the site settings point to.

Header and footer are separate shared fragments (templates/base.html); each used to ask for its own
pages (the menu, then Wagtail's bulk lookup of the footer's page choosers). `navigation(request)` asks
once, with one query for both, and keeps the answer for the request (`core.cache.request_memo`)."""

from django.db.models import BooleanField, Case, Q, Value, When

from wagtail.models import Page, Site

from core.cache import request_memo
from core.models import SiteSettings
from core.restrictions import private_q


def footer_link_data(site_settings):
    """(label, page id or None, url) of each footer link, read from the StreamField's stored data
    without loading the pages."""
    links = []
    for block in site_settings.footer_links.raw_data:
        value = block.get("value") or {}
        links.append((value.get("label") or "", value.get("page") or None, value.get("url") or ""))
    return links


def load_navigation(request):
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"home_page": None, "menu_pages": [], "footer_links": []}
    home = site.root_page
    links = footer_link_data(SiteSettings.for_request(request))
    footer_ids = {page_id for _label, page_id, _url in links if page_id}
    pages = Page.objects.all()
    in_menu = Q(path__startswith=home.path, depth=home.depth + 1, live=True, show_in_menus=True)
    private = private_q(pages)
    if private:
        in_menu &= ~private
    rows = list(
        pages.filter(in_menu | Q(pk__in=footer_ids))
        .annotate(is_menu_page=Case(When(in_menu, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .only("id", "title", "url_path", "path", "depth")
        .order_by("path")
    )
    by_id = {page.pk: page for page in rows}
    footer_links = []
    for label, page_id, url in links:
        # As the template did with the page chooser's value: a page that no longer exists counts as none.
        page = by_id.get(page_id) if page_id else None
        if page is not None:
            footer_links.append({"label": label, "url": page.get_url(request)})
        elif url:
            footer_links.append({"label": label, "url": url})
    return {
        "home_page": home,
        "menu_pages": [page for page in rows if page.is_menu_page],
        "footer_links": footer_links,
    }


def navigation(request):
    """{"home_page", "menu_pages", "footer_links": [{"label", "url"}]} for the request's site, once per request."""
    return request_memo("navigation", lambda: load_navigation(request))
