"""The route cache (config.cache.RouteCacheMiddleware): which page answers a URL, remembered per
cache generation, so a rendered page skips most of Wagtail's routing, and never at the cost of a
privacy check, an unpublish, a move or a new slug."""

import pytest

from django.core.cache import cache

from wagtail.models import PageViewRestriction

from blog.factories import BlogPostPageFactory

from .conftest import rendered_client

pytestmark = pytest.mark.usefixtures("shared_caches")


def routing_queries(queries):
    """Wagtail's tree walk: a page's children looked up by slug."""
    return [query for query in queries.captured_queries if '"wagtailcore_page"."slug" =' in query["sql"]]


def assert_no_longer_served(old_url, new_url):
    """The old address no longer renders the page: a 404, or Wagtail's automatic redirect to the new one."""
    response = rendered_client().get(old_url)
    assert response.status_code in (301, 302, 404)
    if response.status_code != 404:
        assert response["Location"].endswith(new_url)


def test_the_second_request_for_a_url_skips_the_tree_walk(post, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as first:
        assert rendered_client().get(post.url).status_code == 200
    assert routing_queries(first)
    with django_assert_max_num_queries(40) as second:
        response = rendered_client().get(post.url)
    assert response.status_code == 200
    assert post.title in response.content.decode()
    assert not routing_queries(second)
    assert len(second) < len(first)


def test_an_unpublished_post_is_gone_at_once(post):
    url = post.url
    rendered_client().get(url)
    post.unpublish()
    assert rendered_client().get(url).status_code == 404


def test_a_new_slug_moves_the_post_and_the_old_url_no_longer_answers_with_it(post):
    old_url = post.url
    rendered_client().get(old_url)
    post.slug = "neuer-name"
    post.save_revision().publish()
    post.refresh_from_db()
    assert post.url != old_url
    assert rendered_client().get(post.url).status_code == 200
    assert_no_longer_served(old_url, post.url)


def test_a_moved_page_answers_at_its_new_address_only(post, home_page, blog_index):
    from wagtail.models import Page

    other_index = blog_index.copy(update_attrs={"slug": "archiv", "title": "Archiv"}, keep_live=True)
    old_url = post.url
    rendered_client().get(old_url)
    Page.objects.get(pk=post.pk).move(other_index, pos="last-child")
    post.refresh_from_db()
    assert rendered_client().get(post.url).status_code == 200
    assert_no_longer_served(old_url, post.url)


def test_a_privacy_restriction_holds_even_when_the_route_is_remembered(post, django_assert_max_num_queries):
    url = post.url
    assert rendered_client().get(url).status_code == 200
    # A restriction written without signals: the cache generation stays, the route is still
    # remembered, and Wagtail's serve view must check the restriction all the same.
    PageViewRestriction.objects.bulk_create([PageViewRestriction(page=post, restriction_type="login")])
    with django_assert_max_num_queries(40) as queries:
        response = rendered_client().get(url)
    assert not routing_queries(queries)  # the remembered route was used
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_routable_sub_pages_route_themselves_from_the_remembered_index(post, blog_index, category):
    other = BlogPostPageFactory(parent=blog_index, title="Zweiter Beitrag", slug="zweiter")
    archive = blog_index.url + f"kategorie/{category.slug}/"
    first = rendered_client().get(archive)
    second = rendered_client().get(archive)
    assert first.status_code == second.status_code == 200
    assert post.title in second.content.decode()
    assert other.title not in second.content.decode()
    assert rendered_client().get(blog_index.url + "kategorie/gibt-es-nicht/").status_code == 404


def test_a_url_that_does_not_exist_is_not_remembered(blog_index):
    for _ in range(2):
        assert rendered_client().get(blog_index.url + "gibt-es-nicht/").status_code == 404
    assert not [key for key in cache._cache if ":route:" in key]


def test_off_without_a_shared_cache(post, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    rendered_client().get(post.url)
    rendered_client().get(post.url)
    assert not [key for key in cache._cache if ":route:" in key]


def test_each_host_keeps_its_own_site_when_the_route_is_remembered(post, home_page):
    from wagtail.models import Site

    from home.models import SiteSettings

    second_site = Site.objects.create(hostname="zweite.example", port=80, root_page=home_page, site_name="Zweite")
    SiteSettings.objects.update_or_create(site=second_site, defaults={"site_name": "Die zweite Seite"})
    for _ in range(2):  # the second round takes route and site from the cache
        first = rendered_client().get(post.url).content.decode()
        second = rendered_client().get(post.url, HTTP_HOST="zweite.example").content.decode()
        # The <title> uses the site's settings outside any shared fragment.
        assert "– Die zweite Seite</title>" in second
        assert "Die zweite Seite" not in first
