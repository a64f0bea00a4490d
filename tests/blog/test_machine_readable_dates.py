"""Dates for machines (`<time datetime>`, meta tags, JSON-LD, feeds) are valid and go to the second, never further.

A `datetime` attribute with microseconds (`…T10:00:00.123456+02:00`, what `|date:'c'` gives) is invalid
HTML: the Nu HTML checker rejects it.
"""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup

from blog.models import BlogPostPage
from blog.templatetags.blog_tags import iso_datetime
from comments.factories import PostCommentFactory
from comments.models import Status

# A valid HTML date, or date and time to the minute or second with a time-zone offset.
HTML_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?$")
# RFC 3339 / ISO 8601 to the second, with an offset: what meta tags, JSON-LD and Atom carry.
TO_THE_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$")
WITH_MICROSECONDS = datetime.datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def commented_post(post):
    """The post, dated, published, last published and commented on at a moment with microseconds."""
    BlogPostPage.objects.filter(pk=post.pk).update(
        date=WITH_MICROSECONDS.date(), first_published_at=WITH_MICROSECONDS, last_published_at=WITH_MICROSECONDS
    )
    PostCommentFactory(post=post, status=Status.APPROVED, submit_date=WITH_MICROSECONDS)
    return BlogPostPage.objects.get(pk=post.pk)


def test_every_datetime_attribute_of_a_commented_post_is_valid_html(client, commented_post):
    response = client.get(commented_post.url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")

    values = [element["datetime"] for element in html.select("[datetime]")]

    assert "2024-05-01T10:00:00+02:00" in values
    assert len(values) >= 2  # the post's date and the comment's
    for value in values:
        assert HTML_DATETIME.match(value), value


def test_article_modified_time_and_json_ld_dates_have_no_fractional_seconds(client, commented_post):
    html = BeautifulSoup(client.get(commented_post.url).content, "html.parser")

    modified_time = html.select_one('meta[property="article:modified_time"]')["content"]
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)

    assert modified_time == "2024-05-01T10:00:00+02:00"
    assert data["dateModified"] == "2024-05-01T10:00:00+02:00"
    assert data["datePublished"] == "2024-05-01"
    for value in (modified_time, data["dateModified"]):
        assert TO_THE_SECOND.match(value), value


def test_atom_feed_dates_have_no_fractional_seconds(client, commented_post):
    response = client.get("/beitraege/feed/atom/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)

    values = [feed.feed.updated] + [entry[field] for entry in feed.entries for field in ("updated", "published")]

    assert values
    for value in values:
        assert TO_THE_SECOND.match(value), value


def test_iso_datetime_keeps_a_date_a_date_and_gives_nothing_for_nothing():
    assert iso_datetime(datetime.date(2015, 9, 15)) == "2015-09-15"
    assert iso_datetime(None) == ""
    assert iso_datetime("") == ""


def test_iso_datetime_gives_local_time_to_the_second():
    utc = datetime.datetime(2024, 1, 15, 23, 30, 5, 999999, tzinfo=datetime.UTC)
    assert iso_datetime(utc) == "2024-01-16T00:30:05+01:00"
