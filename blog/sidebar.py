"""The archive sidebar's lists (categories with their subcategories, months) built in Python (issue 17).

They were template loops with `{% route_url %}` and `|date` per entry and an include per level of the
category tree; the month list grows by twelve entries a year. Here each address is worked out from one
reversed route, each label from Django's month names, and every text is escaped; the markup is the one
the templates wrote (components/archive_sidebar.html has the headings around them).
"""

from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .cards import CategoryUrls


def category_tree(nodes, blog_index, request, current=None):
    """`<ul>` of the nodes of `BlogIndexPage.archive_categories`, subcategories nested in their parent's `<li>`;
    the archive's own category marked `aria-current="page"`."""
    category_url = CategoryUrls(blog_index, request)
    current_pk = getattr(current, "pk", None)

    def tree(items):
        parts = ['<ul class="archive-sidebar__list">\n']
        for node in items:
            category = node["category"]
            current_mark = ' aria-current="page"' if current_pk is not None and category.pk == current_pk else ""
            parts.append(
                f'<li>\n<a href="{escape(category_url(category.slug))}"{current_mark}>{escape(category.name)}</a> '
                f'<span class="archive-sidebar__count">({node["post_count"]})</span>\n'
            )
            if node["children"]:
                parts.append(tree(node["children"]))
            parts.append("</li>\n")
        parts.append("</ul>")
        return "".join(parts)

    return mark_safe(tree(nodes))  # noqa: S308 - names and addresses escaped above


def month_urls(blog_index, request, escaped=False):
    """year, month → the month archive's address (`escaped`: HTML-escaped): one route reversed, the others
    in its shape (a route that reverses otherwise is reversed for every month)."""
    from .templatetags.blog_tags import route_url

    context = {"request": request}
    sample = route_url(context, blog_index, "month", "2000", "01")
    prefix = sample.removesuffix("2000/01/")
    if prefix + "2000/01/" != sample:
        if escaped:
            return lambda year, month: escape(route_url(context, blog_index, "month", f"{year:04d}", f"{month:02d}"))
        return lambda year, month: route_url(context, blog_index, "month", f"{year:04d}", f"{month:02d}")
    if escaped:
        prefix = escape(prefix)  # the rest is digits and slashes
    return lambda year, month: f"{prefix}{year:04d}/{month:02d}/"


def month_list(months, blog_index, request):
    """`<ul>` of the months with posts ([(first day, posts)], newest first): "Oktober 2015 (3)"."""
    url = month_urls(blog_index, request, escaped=True)
    # The month names translated and escaped once (the list grows by twelve a year); a year is digits.
    # `str()` first: escaping a lazy name gives a lazy result, translated and escaped again at every use.
    names = {number: escape(str(name)) for number, name in MONTHS.items()}
    parts = ['<ul class="archive-sidebar__list">\n']
    for month, count in months:
        parts.append(
            f'<li><a href="{url(month.year, month.month)}">{names[month.month]} {month.year:04d}</a> '
            f'<span class="archive-sidebar__count">({int(count)})</span></li>\n'
        )
    parts.append("</ul>")
    return mark_safe("".join(parts))  # noqa: S308 - labels and addresses escaped above
