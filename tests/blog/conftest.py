"""Fixtures for the reader's pages: posts with dates, drafts, scheduled posts and images."""

import datetime

import pytest
import wagtail_factories

from django.utils import timezone

from blog.factories import AuthorFactory, BlogPostPageFactory, CategoryFactory


@pytest.fixture
def make_post(blog_index):
    """A published post below the index; `make_post(live=False)` is a draft."""

    def make(**fields):
        fields.setdefault("parent", blog_index)
        return BlogPostPageFactory(**fields)

    return make


@pytest.fixture
def draft(make_post, author, category):
    return make_post(title="Ein Entwurf", slug="entwurf", live=False, authors=[author], categories=[category])


@pytest.fixture
def scheduled_post(make_post, author, category):
    """Approved for publication tomorrow: Wagtail keeps it unpublished until then."""
    post = make_post(
        title="Erscheint morgen", slug="erscheint-morgen", live=False, authors=[author], categories=[category]
    )
    post.go_live_at = timezone.now() + datetime.timedelta(days=1)
    post.save_revision().publish()
    post.refresh_from_db()
    return post


@pytest.fixture
def image(db):
    return wagtail_factories.ImageFactory(title="Maar im Nebel")


@pytest.fixture
def other_author(db):
    return AuthorFactory(name="Maria Weber", slug="maria-weber")


@pytest.fixture
def other_category(db):
    return CategoryFactory(name="Kultur", slug="kultur")
