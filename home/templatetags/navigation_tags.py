"""The site's navigation: the menu editors control ("In Menüs anzeigen") and the footer links."""

from django import template

from wagtail.models import Site

from core.cache import depends_on
from core.invalidation import MENU_TAG
from core.restrictions import public

register = template.Library()


@register.inclusion_tag("navigation/menu.html", takes_context=True)
def main_menu(context):
    depends_on(MENU_TAG)
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"menu_pages": [], "request": request}
    menu_pages = list(
        public(site.root_page.get_children().live()).in_menu().only("id", "title", "url_path", "path", "depth")
    )
    return {
        "home_page": site.root_page,
        "menu_pages": menu_pages,
        "request": request,
        "current_page": context.get("page"),
    }
