"""The site's navigation in one query per request: the menu (the home page's live, public children marked
"In Menüs anzeigen"), the pages the footer links of the site settings point to and, for the routing, the
post index.

Header and footer are separate shared fragments (templates/base.html); each used to ask for its own
pages (the menu, then Wagtail's bulk lookup of the footer's page choosers), and the routing asked for
the index. `navigation(request)` asks once, with one query for all three, and keeps the answer for the
request (`core.cache.request_memo`)."""

from django.db.models import Q

from wagtail.models import Page, Site

from blog.models import BlogIndexPage
from core import compiled
from core.cache import request_memo
from core.models import SiteSettings
from core.restrictions import note_flag, restricted_pages, with_restrictions_flag


def footer_link_data(site_settings):
    """(label, page id or None, url) of each footer link, read from the StreamField's stored data
    without loading the pages."""
    links = []
    for block in site_settings.footer_links.raw_data:
        value = block.get("value") or {}
        links.append((value.get("label") or "", value.get("page") or None, value.get("url") or ""))
    return links


def load_navigation(request, route_slug=None):
    """The navigation; with `route_slug` also the home page's child of that slug, as the post index when it
    is one (`HomePage.route`), from the same query. The query carries the "any view restriction?" flag
    (core/restrictions.py), so the menu's check for restricted pages usually asks nothing more."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"home_page": None, "menu_pages": [], "footer_links": [], "route_slug": route_slug, "routed": None}
    home = site.root_page
    links = footer_link_data(SiteSettings.for_request(request))
    footer_ids = list(dict.fromkeys(page_id for _label, page_id, _url in links if page_id))
    values = {f"footer_{position}": page_id for position, page_id in enumerate(footer_ids)}
    if route_slug:
        values["route_slug"] = route_slug
    rows = compiled.run(
        _navigation_query,
        (len(footer_ids), bool(route_slug)),
        home_path=home.path,
        child_depth=home.depth + 1,
        **values,
    )
    index_relation = _index_relation()
    for page in rows:
        # `in_menu` for the row, in Python: a CASE in the query cost more to build and compile than this.
        page.is_menu_page = (
            page.live and page.show_in_menus and page.depth == home.depth + 1 and page.path.startswith(home.path)
        )
    if rows:
        note_flag(rows[0])
    restricted = restricted_pages()
    routed = None
    if route_slug:
        for page in rows:
            if page.slug == route_slug and page.depth == home.depth + 1 and page.path.startswith(home.path):
                try:
                    routed = getattr(page, index_relation)
                except BlogIndexPage.DoesNotExist:
                    pass
                else:
                    routed.any_view_restriction = page.any_view_restriction
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
        # Live children shown in menus, none restricted or below a restricted page (Wagtail's `.public()`).
        "menu_pages": [
            page
            for page in rows
            if page.is_menu_page and not any(page.path.startswith(private.path) for private in restricted)
        ],
        "footer_links": footer_links,
        "route_slug": route_slug,
        "routed": routed,
    }


def _navigation_query(footer_count, with_route):
    """The navigation's pages (see load_navigation) for `footer_count` footer pages and, `with_route`,
    the child of the route's slug, ordered by path and with the "any view restriction?" flag (core.compiled
    keeps the SQL)."""
    fields = Page._meta
    children = Q(
        path__startswith=compiled.Param("home_path", fields.get_field("path")),
        depth=compiled.Param("child_depth", fields.get_field("depth")),
    )
    in_menu = children & Q(live=True, show_in_menus=True)
    wanted = in_menu | Q(pk__in=[compiled.Param(f"footer_{position}", fields.pk) for position in range(footer_count)])
    if with_route:
        wanted |= children & Q(slug=compiled.Param("route_slug", fields.get_field("slug")))
    return with_restrictions_flag(Page.objects.filter(wanted).select_related(_index_relation()).order_by("path"))


def _index_relation():
    return BlogIndexPage._meta.get_field("page_ptr").related_query_name()


def navigation(request, route_slug=None):
    """{"home_page", "menu_pages", "footer_links": [{"label", "url"}]} for the request's site, once per request.

    The routing asks first, with the first part of the path (`route_slug`): then "routed" is the post index
    of that slug, or None."""
    return request_memo("navigation", lambda: load_navigation(request, route_slug))
