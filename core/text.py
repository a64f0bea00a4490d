"""Text rules every app uses the same way."""

from urllib.parse import unquote

from django.utils.text import slugify

# German transliteration, as the old WordPress addresses have it ("mittelstaedten", not "mittelstadten").
GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def german_slug(value, max_length=200):
    """An ASCII slug: umlauts and ß transliterated the German way (ü → ue, ß → ss), everything else as
    Django's slugify does it (accents dropped, lower case, hyphens). Percent-encoded input is decoded first."""
    return slugify(unquote(value or "").translate(GERMAN_LETTERS))[:max_length].strip("-")


def is_number(value, max_length=18):
    """True for a plain ASCII number ("42"): `str.isdigit()` also accepts "²" or "١", which `int()` refuses
    or reads differently, so it must never guard an `int()` of what a request sent."""
    value = str(value)
    return 0 < len(value) <= max_length and value.isascii() and value.isdigit()
