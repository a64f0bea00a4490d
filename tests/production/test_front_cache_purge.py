"""blog.front_cache: what a post's publish and unpublish purge from the front cache (a recording
backend here; tests/production/test_front_cache.py does the same against a real nginx)."""

import datetime

import pytest

from blog.factories import AuthorFactory, CategoryFactory
from blog.front_cache import post_related_urls
from blog.models import BlogPostAuthor

RECORDING_BACKEND = {"recording": {"BACKEND": "tests.production.test_front_cache_purge.RecordingBackend"}}


class RecordingBackend:
    """A Wagtail frontend-cache backend that only remembers the URLs it was asked to purge."""

    purged = []

    def __init__(self, params):
        pass

    def invalidates_hostname(self, hostname):
        return True

    def purge_batch(self, urls):
        RecordingBackend.purged.extend(urls)


@pytest.fixture
def purged(settings):
    settings.WAGTAILFRONTENDCACHE = RECORDING_BACKEND
    RecordingBackend.purged = []
    return RecordingBackend.purged


def listing_urls(post, categories, authors):
    base = "http://testserver/beitraege/"
    urls = {
        "http://testserver/",
        "http://testserver/sitemap.xml",
        base,
        base + "feed/",
        base + "feed/atom/",
        f"http://testserver{post.url}pdf/",
        base + f"{post.date.year}/",
        base + f"{post.date.year}/{post.date.month:02d}/",
    }
    for slug in categories:
        urls |= {base + f"kategorie/{slug}/", base + f"kategorie/{slug}/feed/", base + f"kategorie/{slug}/feed/atom/"}
    for slug in authors:
        urls.add(base + f"autor/{slug}/")
    return urls


def test_publishing_a_post_purges_home_index_feeds_archives_and_its_pdf(post, purged):
    post.save_revision().publish()
    assert set(purged) == listing_urls(post, ["wirtschaft"], ["klaus-schaefer"])


def test_unpublishing_a_post_purges_the_same_pages(post, purged):
    post.unpublish()
    assert set(purged) == listing_urls(post, ["wirtschaft"], ["klaus-schaefer"])


def test_a_category_author_or_date_taken_away_is_purged_too(post, purged):
    post.save_revision()  # the state that is live now
    politics = CategoryFactory(name="Politik", slug="politik")
    new_author = AuthorFactory(name="Anna Weber", slug="anna-weber")
    old_date = post.date
    post.categories.set([politics])
    post.post_authors.all().delete()
    post.post_authors.add(BlogPostAuthor(author=new_author, sort_order=0))
    post.date = datetime.date(2020, 5, 17)
    purged.clear()
    post.save_revision().publish()
    base = "http://testserver/beitraege/"
    urls = set(purged)
    for slug in ("wirtschaft", "politik"):
        assert base + f"kategorie/{slug}/" in urls
    for slug in ("klaus-schaefer", "anna-weber"):
        assert base + f"autor/{slug}/" in urls
    assert {base + "2020/", base + "2020/05/", base + f"{old_date.year}/{old_date.month:02d}/"} <= urls


def test_nothing_is_purged_without_a_front_cache(post, settings):
    settings.WAGTAILFRONTENDCACHE = None
    RecordingBackend.purged = []
    post.save_revision().publish()
    assert RecordingBackend.purged == []


def test_related_urls_of_a_post(post):
    assert post_related_urls(post) == listing_urls(post, ["wirtschaft"], ["klaus-schaefer"])


def test_the_archives_of_parent_categories_are_purged_too(post):
    from blog.factories import CategoryFactory

    region = CategoryFactory(name="Region", slug="region")
    category = post.categories.get()
    category.parent = region
    category.save()
    assert post_related_urls(post) == listing_urls(post, ["wirtschaft", "region"], ["klaus-schaefer"])


def test_a_new_privacy_restriction_purges_the_post_its_pdf_and_the_listings(post, purged, committed):
    from wagtail.models import PageViewRestriction

    with committed():
        PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
    assert listing_urls(post, ["wirtschaft"], ["klaus-schaefer"]) | {f"http://testserver{post.url}"} <= set(purged)
