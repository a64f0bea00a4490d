"""Text rules every app uses the same way."""

from urllib.parse import unquote

from django.utils.text import slugify

# German transliteration, as the old WordPress addresses have it ("mittelstaedten", not "mittelstadten").
GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def german_slug(value, max_length=200):
    """An ASCII slug: umlauts and ß transliterated the German way (ü → ue, ß → ss), everything else as
    Django's slugify does it (accents dropped, lower case, hyphens). Percent-encoded input is decoded first."""
    return slugify(unquote(value or "").translate(GERMAN_LETTERS))[:max_length].strip("-")
