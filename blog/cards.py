"""Post cards (lists of posts: the index, the archives, the search, the home page) built in Python (issue 17).

A card was `{% include "components/post_card.html" %}` once per post: a new template context, ~40 variable
lookups, `|date` twice, `{% pageurl %}` three times, `{% route_url %}` per category and Wagtail's
`{% srcset_image %}` (≈ 2,400 Python calls a card). `post_cards` writes the same markup from the data the
listing query loaded (blog/listings.py: authors, categories, renditions), with each post's address worked
out once, each category's archive address once per request, and the <img> from Wagtail's renditions
directly. Every text is escaped here; what readers read comes from gettext with the template's msgids.
"""

from django.apps import apps
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from wagtail.images.models import Filter, ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found

# The renditions of a card's image and its `sizes`, as the template had them. Filter objects made once:
# Wagtail parses a filter's operations once per object.
FEATURED_IMAGE = (
    [Filter(spec) for spec in ("fill-480x270", "fill-800x450", "fill-1200x675")],
    "(min-width: 64rem) 60rem, 100vw",
)
CARD_IMAGE = ([Filter(spec) for spec in ("fill-320x180", "fill-640x360")], "(min-width: 48rem) 16rem, 100vw")
IMAGE_CLASS = "post-card__image"
INTRO_WORDS = 45


def card_date(date):
    """`|date:"j. F Y"` (2. Oktober 2015) without building a DateFormat for each card."""
    return f"{date.day}. {MONTHS[date.month]} {date.year:04d}"


def card_image(image, featured):
    """The card's <img>: what `{% srcset_image image fill-{…} sizes=… class="post-card__image" alt="" %}` wrote
    (Wagtail's ResponsiveImage: the first rendition as src, all of them as srcset, the attributes sorted),
    from the renditions the listing loaded (made here when missing, as the tag did)."""
    filters, sizes = FEATURED_IMAGE if featured else CARD_IMAGE
    renditions = list(get_renditions_or_not_found(image, filters).values())
    attrs = {"sizes": sizes, "class": IMAGE_CLASS, "alt": ""}
    if apps.get_app_config("wagtailimages").default_attrs or len(renditions) < 2:
        return ResponsiveImage(dict(enumerate(renditions)), attrs).__html__()  # the general case, as Wagtail does
    urls = [rendition.url for rendition in renditions]
    srcset = ", ".join(f"{url} {rendition.width}w" for url, rendition in zip(urls, renditions, strict=True))
    first = renditions[0]
    return (
        f'<img alt="" class="{IMAGE_CLASS}" height="{first.height}" sizes="{sizes}" src="{escape(urls[0])}" '
        f'srcset="{escape(srcset)}" width="{first.width}">'
    )


class CategoryUrls:
    """The archive address of each category through the index, reversed once per slug and index object
    (the index is loaded once per request)."""

    def __init__(self, blog_index, request):
        self.blog_index = blog_index
        self.request = request

    def __call__(self, slug):
        from .templatetags.blog_tags import route_url

        urls = self.blog_index.__dict__.setdefault("_category_urls", {})
        if slug not in urls:
            urls[slug] = route_url({"request": self.request}, self.blog_index, "category", slug)
        return urls[slug]


def post_card(post, request, category_url=None, featured=False, heading="h2"):
    """One card: the markup of the former components/post_card.html, blank lines left out."""
    url = escape(post.get_url(request=request))
    parts = ['<article class="post-card', " post-card--featured" if featured else "", '">\n']
    if post.featured_image:
        parts += [
            f'<a class="post-card__image-link" href="{url}" tabindex="-1" aria-hidden="true">\n',
            card_image(post.featured_image, featured),
            "\n</a>\n",
        ]
    parts.append('<div class="post-card__body">\n<p class="post-card__meta">\n')
    parts.append(f'<time datetime="{post.date.isoformat()}">{card_date(post.date)}</time>\n')
    categories = post.categories.all()
    if categories:
        links = []
        for category in categories:
            name = escape(category.name)
            if category_url is not None:
                links.append(f'<a href="{escape(category_url(category.slug))}">{name}</a>')
            else:
                links.append(name)
        parts += ['<span class="post-card__categories">\n', " · ".join(links), "\n</span>\n"]
    parts.append("</p>\n")
    tag = "h3" if heading == "h3" else "h2"
    parts.append(
        f'<{tag} class="post-card__title"><a class="post-card__link" href="{url}">{escape(post.title)}</a></{tag}>\n'
    )
    if post.intro:
        intro = Truncator(post.intro).words(INTRO_WORDS, truncate=" …")
        parts.append(f'<p class="post-card__intro">{escape(intro)}</p>\n')
    authors = post.authors
    if authors:
        names = ", ".join(escape(author.name) for author in authors)
        parts.append(f'<p class="post-card__authors">{escape(gettext("von"))} {names}</p>\n')
    count = getattr(post, "comment_count", 0)
    if count:
        text = ngettext("Ein Kommentar", "%(counter)s Kommentare", count) % {"counter": count}
        parts.append(f'<p class="post-card__comments"><a href="{url}#kommentare">{escape(text)}</a></p>\n')
    parts.append("</div>\n</article>\n")
    return "".join(parts)


def post_cards(posts, request, blog_index=None, featured=False, heading="h2"):
    """The cards of `posts` (from `with_listing_data`), as safe HTML."""
    category_url = CategoryUrls(blog_index, request) if blog_index is not None else None
    return mark_safe(  # noqa: S308 - every value is escaped above; the rest is literal markup
        "".join(post_card(post, request, category_url, featured, heading) for post in posts)
    )


def pagination(page, request):
    """The pagination below a list of posts (`page`: a Django Page), newest first: the markup of the former
    components/pagination.html (without its blank lines and indentation), with its msgids."""
    from .templatetags.blog_tags import page_link

    paginator = page.paginator
    if paginator.num_pages <= 1:
        return ""
    context = {"request": request}
    parts = [
        f'<nav class="pagination" aria-label="{escape(gettext("Seitennavigation"))}">\n',
        '<ul class="pagination__list">\n',
    ]
    if page.has_previous():
        parts.append(
            '<li class="pagination__item pagination__item--prev"><a class="pagination__link" rel="prev" '
            f'href="{escape(page_link(context, page.previous_page_number()))}">← '
            f"{escape(gettext('Neuere Beiträge'))}</a></li>\n"
        )
    current = gettext("Seite %(number)s von %(total)s") % {"number": page.number, "total": paginator.num_pages}
    parts.append(f'<li class="pagination__item pagination__item--current" aria-current="page">{escape(current)}</li>\n')
    if page.has_next():
        parts.append(
            '<li class="pagination__item pagination__item--next"><a class="pagination__link" rel="next" '
            f'href="{escape(page_link(context, page.next_page_number()))}">'
            f"{escape(gettext('Ältere Beiträge'))} →</a></li>\n"
        )
    parts.append("</ul>\n</nav>")
    return mark_safe("".join(parts))  # noqa: S308 - texts and addresses escaped above
