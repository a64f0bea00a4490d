"""Wagtail's page privacy (view restrictions), asked with one query per request.

Wagtail reads every `PageViewRestriction` anew each time a queryset calls `.public()` and twice more when
it serves a page (`get_view_restrictions`: the ancestors, then their restrictions). A post page asked
six times. Here the restricted pages are read once per request (`restricted_pages`, through
`core.cache.request_memo`) and

- `public(queryset)` excludes exactly what Wagtail's `.public()` excludes (every restricted page and
  the pages below it) from that one list;
- the routing's own query can say "there is none" (`with_restrictions_flag`), and then nothing else is asked;
- `OneQueryRestrictionsMixin.get_view_restrictions` answers "none" without a query when no page of the
  site is restricted at all (then none can apply); when any restriction exists it is Wagtail's own
  method (aliases, ancestors), unchanged.
"""

from django.db.models import Exists, Q

from wagtail.models import PageViewRestriction

from .cache import request_memo


def restricted_pages():
    """The pages that carry a view restriction (path and depth), read once per request."""
    return request_memo(
        "restricted_pages",
        lambda: [
            restriction.page
            for restriction in PageViewRestriction.objects.select_related("page").only("page__path", "page__depth")
        ],
    )


def with_restrictions_flag(queryset):
    """`queryset` annotated with `any_view_restriction` (whether the site has any restriction at all): a
    query the request makes anyway then answers `restricted_pages` too when there is none (`note_flag`)."""
    return queryset.annotate(any_view_restriction=Exists(PageViewRestriction.objects.all()))


def note_flag(page):
    """After `with_restrictions_flag`: no restriction anywhere means the request needs no further query."""
    if getattr(page, "any_view_restriction", True) is False:
        request_memo("restricted_pages", list)


def private_q(queryset):
    """What `public` excludes, as a condition (empty when no page is restricted)."""
    private = Q()
    for page in restricted_pages():
        private |= queryset.descendant_of_q(page, inclusive=True)
    return private


def public(queryset):
    """`queryset.public()`: no page that is restricted or below a restricted one."""
    private = private_q(queryset)
    return queryset.exclude(private) if private else queryset


class OneQueryRestrictionsMixin:
    """For page models: Wagtail's serving check asks no query when the site has no restriction at all."""

    def get_view_restrictions(self):
        if not restricted_pages():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
