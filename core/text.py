"""Text rules every app uses the same way."""

import re
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


# What XML 1.0 cannot carry (Django's feed writer raises UnserializableContentError on it: a 500).
XML_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


def xml_safe(value):
    """The text without the control characters XML 1.0 forbids (tab and line breaks stay)."""
    return XML_CONTROL_CHARACTERS.sub("", str(value or ""))
