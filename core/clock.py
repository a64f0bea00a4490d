"""The site's "now" for rules that change by the clock (the comment schedules, comments/schedules.py, and the
page lifetimes bounded by them, core/cache.py), in one place so a test can move it to 21:59 on a Saturday.

Everything else uses `django.utils.timezone.now()` directly."""

from django.utils import timezone


def now():
    """The current time, aware (UTC)."""
    return timezone.now()
