"""The blocks of the comment settings: one time window of the schedule (comments/schedules.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from . import schedules

WEEKDAYS = [
    ("0", _("Montag")),
    ("1", _("Dienstag")),
    ("2", _("Mittwoch")),
    ("3", _("Donnerstag")),
    ("4", _("Freitag")),
    ("5", _("Samstag")),
    ("6", _("Sonntag")),
]


class ScheduleWindowBlock(blocks.StructBlock):
    """A time window in which comments on all posts are closed or held, e.g. 22:00–06:00 every day."""

    mode = blocks.ChoiceBlock(
        choices=[
            (schedules.CLOSED, _("Geschlossen: keine Kommentare annehmen")),
            (schedules.HELD, _("Zurückhalten: jeden Kommentar erst nach Freigabe zeigen")),
        ],
        default=schedules.HELD,
        label=_("Was gilt"),
    )
    weekdays = blocks.MultipleChoiceBlock(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        label=_("Beginnt an diesen Tagen"),
    )
    start = blocks.TimeBlock(label=_("Von"), format="%H:%M")
    end = blocks.TimeBlock(
        label=_("Bis"),
        format="%H:%M",
        help_text=_(
            "Liegt das Ende vor dem Beginn, endet das Zeitfenster am nächsten Tag (22:00 bis 06:00). "
            "0:00 bis 0:00 ist der ganze Tag."
        ),
    )

    class Meta:
        icon = "time"
        label = _("Zeitfenster")

    def clean(self, value):
        value = super().clean(value)
        if not schedules.is_valid_span(value["start"], value["end"]):
            raise StructBlockValidationError(
                block_errors={
                    "end": ValidationError(
                        _("Beginn und Ende sind gleich. Für einen ganzen Tag 0:00 bis 0:00 eintragen.")
                    )
                }
            )
        return value


def windows_from(stream_value):
    """The schedule's windows as comments/schedules.py reads them."""
    return [
        schedules.Window(
            mode=child.value["mode"],
            weekdays=frozenset(int(day) for day in child.value["weekdays"] or ()),
            start=child.value["start"],
            end=child.value["end"],
        )
        for child in stream_value or ()
        if child.value.get("start") is not None and child.value.get("end") is not None
    ]
