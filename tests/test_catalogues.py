"""The English catalogue is complete: every German source string has a translation, none is a guess."""

from pathlib import Path

import polib

from django.conf import settings


def test_every_english_translation_is_there_and_none_is_fuzzy():
    catalogue = polib.pofile(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert missing == []
    assert fuzzy == []
