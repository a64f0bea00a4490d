"""Where the conversation is: the comment feeds' `<link rel="alternate">` and the "Neueste Kommentare" box."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from blog.apps import LISTINGS_TAG
from core.cache import depends_on

from ..cache import ALL_COMMENTS_TAG
from ..feeds import newest_names_and_titles
from ..threads import permalink_path

register = template.Library()

LATEST_COMMENTS = 5


@register.inclusion_tag("comments/feed_links.html")
def comment_feed_links(page=None):
    """The site's comment feeds and, on a post, the post's."""
    links = {"site_rss": reverse("comments-feed"), "site_atom": reverse("comments-atom-feed")}
    if page is not None and getattr(page, "pk", None):
        links["post_rss"] = reverse("comments-post-feed", args=[page.pk])
        links["post_atom"] = reverse("comments-post-atom-feed", args=[page.pk])
    return {"links": links, "page": page}


# A comment id no permalink has, to find where the id goes in the reversed address.
_SAMPLE_PK = 987654321


def permalink_paths():
    """comment id → its permalink's path (`permalink_path`), from one reversed route."""
    sample = permalink_path(_SAMPLE_PK)
    parts = sample.split(str(_SAMPLE_PK))
    if len(parts) != 2:
        return permalink_path
    prefix, suffix = parts
    return lambda pk: f"{prefix}{int(pk)}{suffix}"


@register.simple_tag
def latest_comments_box(limit=LATEST_COMMENTS):
    """The "Neueste Kommentare" box of the archive sidebar: the markup of the template loop it replaces
    (components/latest_comments.html), written here with the template's msgids; every value escaped."""
    depends_on(ALL_COMMENTS_TAG, LISTINGS_TAG)
    rows = newest_names_and_titles(limit)
    if not rows:
        return ""
    link = permalink_paths()
    line = gettext('%(name)s zu <a href="%(url)s">%(title)s</a>')
    items = "".join(
        '<li class="latest-comments__item">'
        + line % {"name": escape(name), "url": escape(link(pk)), "title": escape(title)}
        + "</li>\n"
        for pk, name, title in rows
    )
    return mark_safe(  # noqa: S308 - names, titles and addresses escaped above; the rest is literal markup
        '<section class="archive-sidebar__section latest-comments">\n'
        f'<h2 class="archive-sidebar__heading">{escape(gettext("Neueste Kommentare"))}</h2>\n'
        '<ul class="archive-sidebar__list latest-comments__list">\n'
        f"{items}</ul>\n"
        f'<p class="latest-comments__feeds"><a href="{escape(reverse("comments-feed"))}">'
        f"{escape(gettext('RSS-Feed aller Kommentare'))}</a> · "
        f'<a href="{escape(reverse("comments-atom-feed"))}">{escape(gettext("Atom-Feed"))}</a></p>\n'
        "</section>"
    )
