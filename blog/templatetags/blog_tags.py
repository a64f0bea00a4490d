"""Template helpers for posts: JSON-LD metadata, machine-readable dates and pagination links."""

import datetime
import json
from urllib.parse import urlsplit

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.template.defaultfilters import urlencode as urlencode_filter
from django.templatetags.static import static
from django.utils import dateformat, timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from wagtail.models import Site
from wagtail.templatetags.wagtailcore_tags import pageurl

from blog.models import PAGE_QUERY_PARAMETER, BlogIndexPage
from core.cache import depends_on, request_memo
from core.invalidation import MENU_TAG
from core.models import SiteSettings

PUBLISHER_LOGO = "images/logo.png"

register = template.Library()


def blog_index_for(context):
    """The site's post index: from the page's context when it has one, else looked up once per request."""
    if context.get("blog_index") is not None:
        return context["blog_index"]
    request = context.get("request")
    return BlogIndexPage.for_request(request) if request is not None else None


@register.simple_tag(takes_context=True)
def site_feeds(context):
    """URLs of the feeds of all posts (RSS and Atom) and of the index, for <head> and footer links (worked out
    once per request and index: the head, the menu and the footer all ask)."""
    depends_on(MENU_TAG)  # the index's address changes like a menu page's
    blog_index = blog_index_for(context)
    if blog_index is None:
        return {}
    key = f"site_feeds:{blog_index.pk}:{blog_index.url_path}:{translation.get_language()}"
    return dict(request_memo(key, lambda: _site_feeds(blog_index)))


def _site_feeds(blog_index):
    base = blog_index.url
    return {
        "rss": base + blog_index.reverse_subpage("feed"),
        "atom": base + blog_index.reverse_subpage("atom_feed"),
        "search": base + blog_index.reverse_subpage("search"),
        "index": base,
    }


@register.filter
def iso_datetime(value):
    """A date or time for machines (`<time datetime>`, meta tags, JSON-LD): ISO 8601 to the second.

    `2024-05-01T10:00:00+02:00` in the current time zone; a date stays `2024-05-01`. `|date:'c'` would add
    the microseconds, which a `datetime` attribute must not have (at most three digits of fraction).
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


# The same escapes as Django's json_script: the JSON can never close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """`<script type="application/ld+json">`: data, not code, so a strict Content Security Policy allows it."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def article_json_ld(context, page, image_url=""):
    """schema.org `NewsArticle` for a post: headline, dates, authors by name (never an e-mail), image, and the
    publisher with its logo (static/images/logo.png, 600×60 as Google asks for news publishers)."""
    modified = page.last_published_at or page.latest_revision_created_at
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": iso_datetime(page.date),
        "dateModified": iso_datetime(modified or page.date),
        "author": [{"@type": "Person", "name": author.name} for author in context.get("post_authors", [])],
        "mainEntityOfPage": page.get_full_url(context["request"]),
        "inLanguage": "de",
    }
    if page.meta_description:
        data["description"] = page.meta_description
    data["publisher"] = {
        "@type": "Organization",
        "name": SiteSettings.for_request(context["request"]).site_name,
        "logo": {
            "@type": "ImageObject",
            "url": context["request"].build_absolute_uri(static(PUBLISHER_LOGO)),
            "width": 600,
            "height": 60,
        },
    }
    if image_url:
        data["image"] = [image_url]
    return json_ld(data)


@register.simple_tag(takes_context=True)
def page_link(context, number):
    """The current address with another page number, keeping the other parameters (e.g. the search)."""
    query = context["request"].GET.copy()
    if number == 1:
        query.pop(PAGE_QUERY_PARAMETER, None)
    else:
        query[PAGE_QUERY_PARAMETER] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path


@register.simple_tag(takes_context=True)
def post_cards(context, posts, featured=False, heading="h2"):
    """`{% post_cards posts %}`: the cards of a list of posts (blog/cards.py); `featured=True` for the home
    page's large card, `heading="h3"` below a section heading. Categories link to their archives when the
    context has the post index (`blog_index`)."""
    from blog.cards import post_cards as render

    if posts is None:
        return ""
    if hasattr(posts, "pk"):
        posts = [posts]
    return render(posts, context.get("request"), context.get("blog_index") or None, featured, heading)


@register.simple_tag(takes_context=True)
def pagination(context, posts):
    """`{% pagination posts %}`: the pagination below a page of posts (blog/cards.py)."""
    from blog.cards import pagination as render

    return render(posts, context.get("request"))


@register.simple_tag(takes_context=True)
def archive_category_tree(context, nodes):
    """`{% archive_category_tree categories %}`: the sidebar's category tree (blog/sidebar.py)."""
    from blog.sidebar import category_tree

    return category_tree(nodes, blog_index_for(context), context.get("request"), context.get("category"))


@register.simple_tag(takes_context=True)
def archive_month_list(context, months):
    """`{% archive_month_list months %}`: the sidebar's months with their posts (blog/sidebar.py)."""
    from blog.sidebar import month_list

    return month_list(months, blog_index_for(context), context.get("request"))


@register.filter
def hostname(url):
    """`https://www.youtube.com/watch?v=…` → `youtube.com`: where a link leads, for readers."""
    host = urlsplit(str(url)).hostname or ""
    return host.removeprefix("www.")


@register.filter
def phone_href(number):
    """A phone number as written ("030/39001-191") in the form a `tel:` link needs ("03039001191")."""
    return "".join(
        character for character in str(number) if (character.isascii() and character.isdigit()) or character == "+"
    )


@register.simple_tag(takes_context=True)
def route_url(context, page, url_name, *args):
    """Wagtail's `{% routablepageurl %}` (same result), with the page's own address worked out once per
    page object: listings and the sidebar link every category, author and month through the index."""
    request = context["request"]
    base_url = getattr(page, "_route_base_url", None)
    if base_url is None:
        base_url = page.relative_url(Site.find_for_request(request), request)
        if not base_url.endswith("/"):
            base_url += "/"
        page._route_base_url = base_url
    return base_url + page.reverse_subpage(url_name, args=args)


# One card of "Weitere Beiträge" (components/related_posts.html), as the template's loop wrote it.
RELATED_CARD = (
    '\n                <article class="post-card post-card--compact">'
    '\n                    <div class="post-card__body">'
    '\n                        <p class="post-card__meta"><time datetime="{iso_date}">{date}</time></p>'
    '\n                        <h3 class="post-card__title"><a class="post-card__link" href="{url}">{title}</a></h3>'
    "\n                        {intro}"
    "\n                    </div>"
    "\n                </article>"
    "\n            "
)


def _date(value, date_format):
    """`value|date:date_format` for a format written out (not a setting's name such as DATE_FORMAT, which
    the filter looks up first): `dateformat.format`, which the filter ends in, without the lookup."""
    if not isinstance(value, datetime.date):
        return date_filter(value, date_format)
    return dateformat.format(value, date_format)


@register.simple_tag(takes_context=True)
def related_post_cards(context, posts):
    """The compact cards of "Weitere Beiträge" (date, title, teaser), written in Python: the same markup and
    escaping as the template loop that wrote them (`|date`, `{% pageurl %}`, `|truncatewords:30`), a
    fraction of its work."""
    cards = []
    for post in posts:
        post_date = template_localtime(post.date, use_tz=context.use_tz)
        intro = ""
        if post.intro:
            intro = f'<p class="post-card__intro">{conditional_escape(truncatewords(post.intro, 30))}</p>'
        cards.append(
            RELATED_CARD.format(
                iso_date=conditional_escape(_date(post_date, "Y-m-d")),
                date=conditional_escape(_date(post_date, "j. F Y")),
                url=conditional_escape(pageurl(context, post)),
                title=conditional_escape(post.title),
                intro=intro,
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped


# "Seite Teilen Über:" (the post's footer), as components/share_links.html wrote it. Plain links: nothing
# from the services loads until a reader clicks one. site.js shows the first item ("Teilen …") only where
# the browser can share (Web Share API): the phone's own menu.
SHARE_LINKS = (
    "\n"
    "\n"
    "\n"
    '    <section class="share" aria-labelledby="share-heading">\n'
    '        <h2 class="share__heading" id="share-heading">{heading}</h2>\n'
    '        <ul class="share__list">\n'
    "            \n"
    '            <li class="share__native" hidden><button class="share__link share__link--native" type="button" data-web-share data-share-title="{share_title}" data-share-url="{share_url}">{native_label}</button></li>\n'
    '            <li><a class="share__link share__link--facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}" target="_blank" rel="noopener noreferrer">Facebook</a></li>\n'
    '            <li><a class="share__link share__link--x" href="https://x.com/intent/post?url={url}&amp;text={title}" target="_blank" rel="noopener noreferrer">X</a></li>\n'
    '            <li><a class="share__link share__link--linkedin" href="https://www.linkedin.com/sharing/share-offsite/?url={url}" target="_blank" rel="noopener noreferrer">LinkedIn</a></li>\n'
    '            <li><a class="share__link share__link--whatsapp" href="https://wa.me/?text={title}%20{url}" target="_blank" rel="noopener noreferrer">WhatsApp</a></li>\n'
    '            <li><a class="share__link share__link--threema" href="https://threema.id/compose?text={title}%20{url}" target="_blank" rel="noopener noreferrer">Threema</a></li>\n'
    '            <li><a class="share__link share__link--mastodon" href="{page_url}teilen/mastodon/" rel="nofollow">Mastodon</a></li>\n'
    '            <li><a class="share__link share__link--email" href="mailto:?subject={title}&amp;body={url}" rel="noopener noreferrer">{email_label}</a></li>\n'
    '            <li><a class="share__link share__link--copy" href="{share_url}" rel="noopener noreferrer" data-copy-link data-copied-label="{copied_label}">{copy_label}</a></li>\n'
    "        </ul>\n"
    '        <p class="share__status visually-hidden" role="status" data-copy-status></p>\n'
    "    </section>\n"
    "\n"
)


@register.simple_tag
def share_links(share_url, page):
    """The share links of a post, written in Python with the escaping the template's `{{ }}` and
    `|urlencode:""` gave: the same markup, a tenth of the work."""
    url = conditional_escape(urlencode_filter(share_url, ""))
    title = conditional_escape(urlencode_filter(page.title, ""))
    return mark_safe(  # noqa: S308 - every value escaped
        SHARE_LINKS.format(
            heading=conditional_escape(gettext("Seite Teilen Über:")),
            native_label=conditional_escape(gettext("Teilen …")),
            email_label=conditional_escape(gettext("E-Mail")),
            copied_label=conditional_escape(gettext("Link kopiert")),
            copy_label=conditional_escape(gettext("Link kopieren")),
            share_title=conditional_escape(page.title),
            share_url=conditional_escape(share_url),
            url=url,
            title=title,
            page_url=conditional_escape(page.url),
        )
    )
