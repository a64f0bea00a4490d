"""The site's navigation: the menu editors control ("In Menüs anzeigen") and the footer links."""

from django import template

from core.cache import depends_on
from core.invalidation import MENU_TAG
from home.navigation import navigation

register = template.Library()


@register.inclusion_tag("navigation/menu.html", takes_context=True)
def main_menu(context):
    depends_on(MENU_TAG)
    request = context.get("request")
    found = navigation(request)
    return {
        "home_page": found["home_page"],
        "menu_pages": found["menu_pages"],
        "request": request,
        "current_page": context.get("page"),
    }


@register.simple_tag(takes_context=True)
def footer_links(context):
    """`{% footer_links as links %}`: the footer links of the site settings as [{"label", "url"}], the pages
    they point to read with the menu (home/navigation.py)."""
    depends_on(MENU_TAG)  # a linked page's address changes like a menu page's
    return navigation(context.get("request"))["footer_links"]
