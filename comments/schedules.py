"""Time windows in which comments on all posts are closed or held (Einstellungen → Kommentare → Zeitfenster).

A window is a mode (closed: the form is not accepted; held: every comment waits for a moderator), the
weekdays it starts on and a start and end time of the wall clock in the site's time zone (settings
TIME_ZONE, Europe/Berlin). Start is inclusive, end exclusive. An end at or before the start lies on the next
day: "22:00–06:00" on Friday runs from Friday 22:00 to Saturday 06:00 and belongs to Friday; "00:00–00:00"
is the whole day. On the days the clocks change the windows keep to the wall clock: the night 22:00–06:00
before the last Sunday of March lasts seven hours, the one before the last Sunday of October nine; a time
that does not exist that day (02:30 in March) is read as the hour after the jump.

Pure logic: no database, no request. `state_at(windows, when)` says which mode is active at an aware
datetime and when that will change; CommentSettings.schedule_state() asks it for now (core/clock.py).
Where windows overlap, closed wins over held.
"""

import dataclasses
import datetime

from django.utils import timezone

CLOSED = "closed"
HELD = "held"
# Windows repeat every week; a change is always found within a week and a day.
HORIZON_DAYS = 9
MIDNIGHT = datetime.time(0, 0)


@dataclasses.dataclass(frozen=True)
class Window:
    mode: str
    weekdays: frozenset  # 0 = Monday … 6 = Sunday: the days the window starts on
    start: datetime.time
    end: datetime.time

    @property
    def crosses_midnight(self):
        return self.end <= self.start


@dataclasses.dataclass(frozen=True)
class State:
    """The mode active at a moment (None: comments as usual), since when and until when it lasts (the next
    boundary, when the mode changes; None when it does not change within a week)."""

    mode: str | None
    since: datetime.datetime | None
    until: datetime.datetime | None

    @property
    def is_closed(self):
        return self.mode == CLOSED

    @property
    def is_held(self):
        return self.mode == HELD


def is_valid_span(start, end):
    """Start and end may be equal only for the whole day (00:00–00:00)."""
    return start != end or start == MIDNIGHT


def _wall_clock(day, time, zone):
    # fold=0: of a time that happens twice (October) the first; a missing time (March) moves forward.
    return datetime.datetime.combine(day, time, tzinfo=zone).astimezone(datetime.UTC)


def intervals(windows, around, zone=None):
    """(start, end, mode) in UTC of every window starting from two days before `around` to HORIZON_DAYS after."""
    zone = zone or timezone.get_default_timezone()
    today = around.astimezone(zone).date()
    found = []
    for offset in range(-2, HORIZON_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        for window in windows:
            if day.weekday() not in window.weekdays:
                continue
            end_day = day + datetime.timedelta(days=1) if window.crosses_midnight else day
            start, end = _wall_clock(day, window.start, zone), _wall_clock(end_day, window.end, zone)
            if start < end:  # a window inside the hour that does not exist in March is empty
                found.append((start, end, window.mode))
    return found


def _mode_at(spans, moment):
    modes = {mode for start, end, mode in spans if start <= moment < end}
    if CLOSED in modes:
        return CLOSED
    return HELD if HELD in modes else None


def state_at(windows, when, zone=None):
    """The State at the aware datetime `when`: active mode, since when, and the next boundary."""
    if not windows:
        return State(None, None, None)
    moment = when.astimezone(datetime.UTC)
    spans = intervals(windows, moment, zone)
    mode = _mode_at(spans, moment)
    boundaries = sorted({point for start, end, _mode in spans for point in (start, end)})
    until = next((point for point in boundaries if point > moment and _mode_at(spans, point) != mode), None)
    since = None
    if mode is not None:
        tick = datetime.timedelta(microseconds=1)
        earlier = [point for point in boundaries if point <= moment and _mode_at(spans, point - tick) != mode]
        since = earlier[-1] if earlier else None
    return State(mode, since, until)
