"""Where the conversation is: the comment feeds' `<link rel="alternate">` and the "Neueste Kommentare" box."""

from django import template
from django.urls import reverse

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


@register.simple_tag
def latest_comments(limit=LATEST_COMMENTS):
    """The newest public comments on live posts (names, post titles and links only), as dicts with
    `user_name`, `link` and `post.title` (what components/latest_comments.html shows)."""
    depends_on(ALL_COMMENTS_TAG, LISTINGS_TAG)
    return [
        {"user_name": name, "link": permalink_path(pk), "post": {"title": title}}
        for pk, name, title in newest_names_and_titles(limit)
    ]
