"""The run's report: per kind, how many objects were created, updated, unchanged or skipped, and why."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ImportedObject

Kind = ImportedObject.Kind
REDIRECT = "redirect"
KIND_LABELS = {
    Kind.AUTHOR: gettext_lazy("Autor(inn)en"),
    Kind.CATEGORY: gettext_lazy("Kategorien"),
    Kind.TAG: gettext_lazy("Schlagwörter"),
    Kind.POST: gettext_lazy("Beiträge"),
    Kind.COMMENT: gettext_lazy("Kommentare"),
    Kind.ATTACHMENT: gettext_lazy("Bilder"),
    REDIRECT: gettext_lazy("Weiterleitungen"),
}
OUTCOMES = ("created", "updated", "unchanged", "skipped")
OUTCOME_LABELS = {
    "created": gettext_lazy("neu"),
    "updated": gettext_lazy("aktualisiert"),
    "unchanged": gettext_lazy("unverändert"),
    "skipped": gettext_lazy("übersprungen"),
}
MAX_LISTED_NOTES = 40


@dataclass
class Report:
    """What the run did, per kind, with the reasons for everything it skipped."""

    counts: dict = field(default_factory=lambda: {kind: Counter() for kind in KIND_LABELS})
    skipped: dict = field(default_factory=lambda: {kind: Counter() for kind in KIND_LABELS})
    notes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    fatal: str = ""

    def count(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def skip(self, kind, reason):
        self.counts[kind]["skipped"] += 1
        self.skipped[kind][reason] += 1

    @property
    def anything_done(self):
        return any(sum(counter.values()) for counter in self.counts.values())

    def note(self, message):
        self.notes.append(message)

    def lines(self, dry_run=False):
        # The labels are lazy translations: made plain strings once, in the active language, for the table.
        kind_labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
        outcome_labels = {outcome: str(OUTCOME_LABELS[outcome]) for outcome in OUTCOMES}
        width = max(len(label) for label in kind_labels.values())
        header = f"{'':<{width}}  " + "  ".join(f"{outcome_labels[o]:>12}" for o in OUTCOMES)
        lines = [
            "",
            _("Ergebnis des WordPress-Imports (Probelauf: nichts wurde gespeichert)")
            if dry_run
            else _("Ergebnis des WordPress-Imports"),
            header,
        ]
        for kind, label in kind_labels.items():
            lines.append(f"{label:<{width}}  " + "  ".join(f"{self.counts[kind][o]:>12}" for o in OUTCOMES))
        reasons = [
            f"  {kind_labels[kind]}: {reason}: {number}"
            for kind in kind_labels
            for reason, number in sorted(self.skipped[kind].items())
        ]
        if reasons:
            lines += ["", _("Übersprungen:"), *reasons]
        if self.notes:
            lines += ["", _("Hinweise:")] + [f"  {note}" for note in self.notes[:MAX_LISTED_NOTES]]
            if len(self.notes) > MAX_LISTED_NOTES:
                more = _("… und %(count)s weitere Hinweise.") % {"count": len(self.notes) - MAX_LISTED_NOTES}
                lines.append(f"  {more}")
        if self.errors:
            lines += ["", _("Fehler (diese Einträge wurden nicht gespeichert):")]
            lines += [f"  {error}" for error in self.errors]
        return lines
