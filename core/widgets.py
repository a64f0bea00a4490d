"""Admin widgets that apply the site's text rules while the editor types."""

from wagtail.admin.widgets import SlugInput

from .text import GERMAN_LETTERS


def german_slug_formatters():
    """The German transliteration (core.text.GERMAN_LETTERS) as formatters for Wagtail's slug controller:
    they run before its own transliteration, which would turn "ü" into "u" (it has no German map)."""
    return [(chr(letter), replacement) for letter, replacement in GERMAN_LETTERS.items()]


class GermanSlugInput(SlugInput):
    """Wagtail's slug field (filled from the title or name as the editor types) with ä→ae, ö→oe, ü→ue, ß→ss."""

    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs=attrs, formatters=formatters or german_slug_formatters(), locale=locale)
