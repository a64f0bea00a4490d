"""`{% sharedcache "name" var … %}…{% endsharedcache %}`: a fragment rendered once and shared by every reader.

The full-page cache only helps anonymous readers. Everyone else (logged-in editors and moderators, a
reader who sees their own held comment, any request with a query string) gets a freshly rendered page;
these fragments keep the expensive, shared parts of that page (a post's comment thread, "Weitere
Beiträge", the article itself, the menus) from being rendered again for each of them.

A fragment is stored with the tags of what it showed (core/cache.py), so it is rendered again exactly
when one of those changed. Its key holds the host, the language and the given variables. A fragment is
rendered but not shared when the fragment cache is off (`FRAGMENT_CACHE_SECONDS` = 0, the default
without Redis), the request is a Wagtail preview (a draft must never be stored as the live page) or the
template says the content is personal (`personal=True`).
Never put a CSRF token or anything else that belongs to one reader inside.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import cache as caching

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, personal):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.personal = personal

    def render(self, context):
        key = self.cache_key(context)
        if key is None:
            return self.nodelist.render(context)
        html = caching.cached(key, lambda: str(self.nodelist.render(context)), caching.fragment_seconds())
        return mark_safe(html)  # noqa: S308 - stored output of our own template, already escaped

    def cache_key(self, context):
        """The fragment's key, or None when this rendering must not be shared."""
        request = context.get("request")
        if not caching.fragment_seconds() or request is None or getattr(request, "is_preview", False):
            return None
        if self.personal is not None and self.personal.resolve(context):
            return None
        parts = [request.get_host(), get_language() or "", *(str(value.resolve(context)) for value in self.vary_on)]
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
        return f"fragment:{self.name}:{digest}"


@register.tag
def sharedcache(parser, token):
    """`{% sharedcache "comments" page.pk personal=section.is_personal %} … {% endsharedcache %}`"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    name = bits[1].strip("\"'")
    personal = None
    vary_on = []
    for bit in bits[2:]:
        if bit.startswith("personal="):
            personal = parser.compile_filter(bit.removeprefix("personal="))
        else:
            vary_on.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endsharedcache",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, name, vary_on, personal)
