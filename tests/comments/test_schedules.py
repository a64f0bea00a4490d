"""Time windows in which comments are closed or held (comments/schedules.py, Einstellungen → Kommentare).

The window logic is tested as a pure function of an aware datetime; posting and the page cache through the
real view and middleware, with the site's clock (core/clock.py) moved to the moment a test needs."""

import datetime
import html
import json
import time
import zoneinfo

import pytest

from django.core.cache import cache
from django.test import Client

from wagtail.blocks.struct_block import StructBlockValidationError

from comments.admin.desk import reason_badges
from comments.blocks import ScheduleWindowBlock
from comments.models import PostComment, Status
from comments.moderation import HELD_BY_SCHEDULE, reason_codes
from comments.schedules import CLOSED, HELD, Window, state_at
from core import clock
from core.middleware import page_key

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
EVERY_DAY = frozenset(range(7))
WEEKEND = frozenset({5, 6})
NIGHTLY_CLOSED = Window(CLOSED, EVERY_DAY, datetime.time(22), datetime.time(6))


def berlin(*parts):
    return datetime.datetime(*parts, tzinfo=BERLIN)


def utc(*parts):
    return datetime.datetime(*parts, tzinfo=UTC)


# --- The window logic -------------------------------------------------------------------------


def test_no_windows_means_comments_as_usual():
    state = state_at([], berlin(2026, 6, 5, 23))
    assert (state.mode, state.since, state.until) == (None, None, None)


def test_a_night_window_crosses_midnight_start_inclusive_end_exclusive():
    # 2026-06-05 is a Friday.
    before = state_at([NIGHTLY_CLOSED], berlin(2026, 6, 5, 21, 59, 59))
    assert before.mode is None
    assert before.until == berlin(2026, 6, 5, 22)

    at_start = state_at([NIGHTLY_CLOSED], berlin(2026, 6, 5, 22))
    assert at_start.is_closed
    assert at_start.since == berlin(2026, 6, 5, 22)
    assert at_start.until == berlin(2026, 6, 6, 6)

    assert state_at([NIGHTLY_CLOSED], berlin(2026, 6, 6, 5, 59, 59)).is_closed
    at_end = state_at([NIGHTLY_CLOSED], berlin(2026, 6, 6, 6))
    assert at_end.mode is None
    assert at_end.until == berlin(2026, 6, 6, 22)


def test_a_night_window_belongs_to_the_day_it_starts():
    friday_night = Window(HELD, frozenset({4}), datetime.time(22), datetime.time(6))
    assert state_at([friday_night], berlin(2026, 6, 6, 5)).is_held  # Saturday morning: Friday's night
    assert state_at([friday_night], berlin(2026, 6, 5, 5)).mode is None  # Friday morning: Thursday's night
    assert state_at([friday_night], berlin(2026, 6, 6, 23)).mode is None  # Saturday night: not set
    # From Saturday 06:00 the next change is next Friday at 22:00.
    assert state_at([friday_night], berlin(2026, 6, 6, 6)).until == berlin(2026, 6, 12, 22)


def test_a_weekend_window_lasts_from_saturday_to_monday_midnight():
    weekend = Window(CLOSED, WEEKEND, datetime.time(0), datetime.time(0))
    friday = state_at([weekend], berlin(2026, 6, 5, 23, 59, 59))
    assert friday.mode is None
    assert friday.until == berlin(2026, 6, 6, 0)

    saturday = state_at([weekend], berlin(2026, 6, 6, 0))
    assert saturday.is_closed
    # Saturday and Sunday are one closure: it ends on Monday, not at Saturday midnight.
    assert (saturday.since, saturday.until) == (berlin(2026, 6, 6, 0), berlin(2026, 6, 8, 0))
    assert state_at([weekend], berlin(2026, 6, 7, 23, 59, 59)).is_closed
    assert state_at([weekend], berlin(2026, 6, 8, 0)).mode is None


def test_closed_wins_where_it_overlaps_a_held_window():
    evening_held = Window(HELD, EVERY_DAY, datetime.time(20), datetime.time(23))
    windows = [evening_held, NIGHTLY_CLOSED]
    evening = state_at(windows, berlin(2026, 6, 5, 21))
    assert evening.is_held
    assert evening.until == berlin(2026, 6, 5, 22)  # where "closed" takes over, not where "held" ends
    night = state_at(windows, berlin(2026, 6, 5, 22, 30))
    assert night.is_closed
    assert (night.since, night.until) == (berlin(2026, 6, 5, 22), berlin(2026, 6, 6, 6))


def test_the_short_night_of_the_spring_change_keeps_the_wall_clock():
    # 2026-03-29: at 02:00 CET the clocks jump to 03:00 CEST. 22:00–06:00 is seven hours that night.
    start = state_at([NIGHTLY_CLOSED], berlin(2026, 3, 28, 22))
    assert start.is_closed
    assert start.since == utc(2026, 3, 28, 21)
    assert start.until == utc(2026, 3, 29, 4)  # 06:00 CEST
    assert start.until - start.since == datetime.timedelta(hours=7)
    assert state_at([NIGHTLY_CLOSED], utc(2026, 3, 29, 3, 59, 59)).is_closed
    assert state_at([NIGHTLY_CLOSED], utc(2026, 3, 29, 4)).mode is None


def test_a_start_in_the_missing_spring_hour_begins_after_the_jump():
    # 02:30 does not exist on 2026-03-29: the window starts at 03:30 CEST (01:30 UTC).
    sunday = Window(HELD, frozenset({6}), datetime.time(2, 30), datetime.time(5))
    assert state_at([sunday], utc(2026, 3, 29, 1, 15)).mode is None
    assert state_at([sunday], utc(2026, 3, 29, 1, 30)).is_held
    assert state_at([sunday], utc(2026, 3, 29, 1, 15)).until == utc(2026, 3, 29, 1, 30)


def test_the_long_night_of_the_autumn_change_keeps_the_wall_clock():
    # 2026-10-25: at 03:00 CEST the clocks go back to 02:00 CET. 22:00–06:00 is nine hours that night.
    start = state_at([NIGHTLY_CLOSED], berlin(2026, 10, 24, 22))
    assert start.since == utc(2026, 10, 24, 20)
    assert start.until == utc(2026, 10, 25, 5)  # 06:00 CET
    assert start.until - start.since == datetime.timedelta(hours=9)
    # Both 02:30s of that night are inside the window.
    assert state_at([NIGHTLY_CLOSED], utc(2026, 10, 25, 0, 30)).is_closed
    assert state_at([NIGHTLY_CLOSED], utc(2026, 10, 25, 1, 30)).is_closed
    assert state_at([NIGHTLY_CLOSED], utc(2026, 10, 25, 5)).mode is None
    # The evening after: the next window starts at 22:00 CET (21:00 UTC).
    assert state_at([NIGHTLY_CLOSED], utc(2026, 10, 25, 12)).until == utc(2026, 10, 25, 21)


def test_the_answer_does_not_depend_on_the_time_zone_of_the_question():
    moment = berlin(2026, 6, 5, 23)
    assert state_at([NIGHTLY_CLOSED], moment) == state_at([NIGHTLY_CLOSED], moment.astimezone(UTC))


# --- Validation of the settings ---------------------------------------------------------------


def window_value(start, end, mode=CLOSED, weekdays=("5", "6")):
    block = ScheduleWindowBlock()
    return block.to_python({"mode": mode, "weekdays": list(weekdays), "start": start, "end": end})


def test_a_window_with_the_same_start_and_end_is_refused_in_german():
    with pytest.raises(StructBlockValidationError) as refused:
        ScheduleWindowBlock().clean(window_value("22:00", "22:00"))
    message = " ".join(refused.value.block_errors["end"].messages)
    assert message == "Beginn und Ende sind gleich. Für einen ganzen Tag 0:00 bis 0:00 eintragen."


def test_a_window_without_weekdays_is_refused():
    with pytest.raises(StructBlockValidationError) as refused:
        ScheduleWindowBlock().clean(window_value("22:00", "06:00", weekdays=()))
    assert "weekdays" in refused.value.block_errors


def test_midnight_to_midnight_is_the_whole_day_and_accepted():
    cleaned = ScheduleWindowBlock().clean(window_value("00:00", "00:00"))
    assert cleaned["start"] == cleaned["end"] == datetime.time(0)


# --- Posting in a window, through the real view ------------------------------------------------


@pytest.fixture
def now_is(monkeypatch):
    """Move the site's clock (core/clock.py) to a moment in Berlin."""

    def move(*parts):
        moment = berlin(*parts)
        monkeypatch.setattr(clock, "now", lambda: moment.astimezone(UTC))
        return moment

    return move


@pytest.fixture
def open_rules(comment_rules, settings):
    """Rules that would publish a plain comment at once: only a window can hold it."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    comment_rules.hold_all = False
    comment_rules.trust_approved_authors = False
    comment_rules.save()
    return comment_rules


def set_windows(rules, *windows):
    rules.schedule_windows = [
        (
            "window",
            {"mode": mode, "weekdays": [str(day) for day in days], "start": start, "end": end},
        )
        for mode, days, start, end in windows
    ]
    rules.save()


NIGHT = (datetime.time(22), datetime.time(6))


def test_a_comment_in_a_held_window_waits_with_its_badge(post, post_comment, open_rules, now_is):
    set_windows(open_rules, (HELD, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 5, 21, 30)
    assert post_comment(post, comment="Am Abend").status_code == 303
    now_is(2026, 6, 5, 23, 30)
    assert post_comment(post, comment="In der Nacht").status_code == 303

    evening, night = PostComment.objects.get(comment="Am Abend"), PostComment.objects.get(comment="In der Nacht")
    assert evening.status == Status.APPROVED
    assert night.status == Status.PENDING
    assert HELD_BY_SCHEDULE in reason_codes(night.hold_reasons)
    assert "Zeitfenster: zurückgehalten" in reason_badges(night)[0]


def test_a_held_window_holds_a_trusted_commenter_too(post, post_comment, open_rules, now_is):
    from .conftest import approve

    open_rules.trust_approved_authors = True
    set_windows(open_rules, (HELD, EVERY_DAY, *NIGHT))
    evas_browser = Client()
    now_is(2026, 6, 5, 12)
    post_comment(post, client=evas_browser, comment="Zum ersten Mal", name="Eva", email="eva@example.org")
    approve(PostComment.objects.get(comment="Zum ersten Mal"))
    post_comment(post, client=evas_browser, comment="Am Mittag", name="Eva", email="eva@example.org")
    assert PostComment.objects.get(comment="Am Mittag").status == Status.APPROVED  # trusted outside the window

    now_is(2026, 6, 5, 23)
    post_comment(post, client=evas_browser, comment="In der Nacht", name="Eva", email="eva@example.org")

    night = PostComment.objects.get(comment="In der Nacht")
    assert night.status == Status.PENDING
    assert reason_codes(night.hold_reasons) == [HELD_BY_SCHEDULE]


def test_spam_still_goes_to_spam_in_a_held_window(post, post_comment, open_rules, now_is):
    open_rules.spam_words = "casino"
    set_windows(open_rules, (HELD, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 5, 23, 30)

    post_comment(post, comment="Bestes casino der Eifel")

    assert PostComment.objects.get().status == Status.SPAM


def test_a_closed_window_refuses_the_comment_keeps_the_text_and_saves_nothing(post, post_comment, open_rules, now_is):
    set_windows(open_rules, (CLOSED, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 5, 23, 30)

    response = post_comment(post, comment="Nachts geschrieben, <b>nicht</b> gespeichert")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Die Kommentare sind von 22:00 bis 6:00 Uhr geschlossen." in html
    assert "Dein Kommentar wurde deshalb nicht gespeichert." in html
    assert "Nachts geschrieben, &lt;b&gt;nicht&lt;/b&gt; gespeichert</textarea>" in html
    assert 'id="kommentarformular"' not in html
    assert not PostComment.objects.exists()
    assert response["Cache-Control"].count("no-store") == 1


def test_the_post_page_shows_the_closed_note_instead_of_the_form(post, open_rules, now_is):
    set_windows(open_rules, (CLOSED, WEEKEND, datetime.time(0), datetime.time(0)))
    now_is(2026, 6, 6, 12)  # Saturday noon

    closed = Client().get(post.url).content.decode()
    assert "Die Kommentare sind von Samstag, 0:00 bis Montag, 0:00 Uhr geschlossen." in closed
    assert 'id="kommentarformular"' not in closed

    now_is(2026, 6, 8, 0)  # Monday
    opened = Client().get(post.url).content.decode()
    assert 'id="kommentarformular"' in opened
    assert "geschlossen" not in opened


def test_replies_are_not_offered_in_a_closed_window(post, open_rules, now_is):
    from comments.factories import PostCommentFactory

    PostCommentFactory(post=post, status=Status.APPROVED, comment="Schon da")
    set_windows(open_rules, (CLOSED, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 5, 12)
    assert "?antwort=" in Client().get(post.url).content.decode()
    now_is(2026, 6, 5, 23)
    assert "?antwort=" not in Client().get(post.url).content.decode()


# --- The page cache and the boundaries ------------------------------------------------------------


def stored_seconds(key):
    """How long the cache keeps `key` (Redis: its TTL; the local-memory cache: its expiry)."""
    if hasattr(cache, "ttl"):
        return cache.ttl(key)
    return cache._expire_info[cache.make_key(key)] - time.time()  # noqa: SLF001 - Django's LocMemCache


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def key_of(post):
    from django.test import RequestFactory

    return page_key(RequestFactory().get(post.url))


def test_a_page_cached_before_a_closed_window_is_not_served_into_it(post, open_rules, now_is, page_cache):
    set_windows(open_rules, (CLOSED, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 5, 21, 55)
    first = Client().get(post.url)
    assert first["X-Cache"] == "MISS"
    assert 'id="kommentarformular"' in first.content.decode()
    # Kept five minutes (until 22:00), not the ten of PAGE_CACHE_SECONDS.
    assert 290 < stored_seconds(key_of(post)) <= 300
    now_is(2026, 6, 5, 21, 59, 59)
    assert Client().get(post.url)["X-Cache"] == "HIT"

    now_is(2026, 6, 5, 22)
    closed = Client().get(post.url)
    assert closed["X-Cache"] == "MISS"
    assert "Die Kommentare sind von 22:00 bis 6:00 Uhr geschlossen." in closed.content.decode()
    assert 'id="kommentarformular"' not in closed.content.decode()


def test_a_page_cached_in_a_closed_window_is_not_served_after_it(post, open_rules, now_is, page_cache):
    set_windows(open_rules, (CLOSED, EVERY_DAY, *NIGHT))
    now_is(2026, 6, 6, 5, 58)
    assert Client().get(post.url)["X-Cache"] == "MISS"
    assert 110 < stored_seconds(key_of(post)) <= 120
    now_is(2026, 6, 6, 5, 59)
    assert Client().get(post.url)["X-Cache"] == "HIT"

    now_is(2026, 6, 6, 6)
    opened = Client().get(post.url)
    assert opened["X-Cache"] == "MISS"
    assert 'id="kommentarformular"' in opened.content.decode()


def test_a_held_window_bounds_the_page_too_and_no_window_leaves_it_alone(
    post, open_rules, now_is, page_cache, committed
):
    now_is(2026, 6, 5, 21, 55)
    Client().get(post.url)
    assert stored_seconds(key_of(post)) > 590  # no windows: PAGE_CACHE_SECONDS

    with committed():
        set_windows(open_rules, (HELD, EVERY_DAY, *NIGHT))  # saving the settings drops every page
    assert Client().get(post.url)["X-Cache"] == "MISS"
    assert 290 < stored_seconds(key_of(post)) <= 300


def test_the_settings_page_refuses_a_window_without_length_in_german_and_keeps_the_input(admin_client, comment_rules):
    from django.urls import reverse

    from wagtail.models import Site
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    url = reverse(
        "wagtailsettings:edit", args=["comments", "commentsettings", Site.objects.get(is_default_site=True).pk]
    )
    fields = {
        "hold_all": "on",
        "max_links": "2",
        "delete_removed_after_days": "30",
        "delete_held_after_days": "90",
        "netiquette_url": "/netiquette/",
        "privacy_url": "/datenschutz/",
    }

    def send(start, end):
        # A tuple: the form sends the ticked weekdays as one field with two values.
        window = {"mode": CLOSED, "weekdays": ("4", "5"), "start": start, "end": end}
        return admin_client.post(
            url, {**fields, **nested_form_data({"schedule_windows": streamfield([("window", window)])})}
        )

    refused = send("21:30", "21:30")
    assert refused.status_code == 200
    # The block editor draws the form from JSON in a data attribute: the message and the input are there.
    content = html.unescape(refused.content.decode())
    message = "Beginn und Ende sind gleich. Für einen ganzen Tag 0:00 bis 0:00 eintragen."
    assert json.dumps(message)[1:-1] in content
    assert '"start": "21:30", "end": "21:30"' in content
    comment_rules.refresh_from_db()
    assert len(comment_rules.schedule_windows) == 0

    assert send("21:30", "06:00").status_code == 302
    comment_rules.refresh_from_db()
    state = comment_rules.schedule_state(berlin(2026, 6, 5, 23))  # a Friday night
    assert state.is_closed
    assert state.until == berlin(2026, 6, 6, 6)
