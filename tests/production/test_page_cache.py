"""The full-page cache for anonymous readers (core/middleware.py, core/cache.py, docs/caching.md)."""

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client

from blog.factories import BlogPostPageFactory
from core.cache import CLOCK_KEY, invalidate, tag_key
from core.middleware import PageCacheMiddleware


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed(post):
    """A published post in the site tree (the demo content is slow to load for every test)."""
    return post


def test_second_anonymous_reader_gets_the_page_from_the_cache_without_sql(seed, django_assert_num_queries):
    first = Client().get(seed.url)
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = Client().get(seed.url)
    assert second.status_code == 200
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second


def test_cached_pages_carry_no_csrf_token_and_set_no_cookie(seed):
    Client().get(seed.url)
    hit = Client().get(seed.url)
    assert hit["X-Cache"] == "HIT"
    assert b"csrfmiddlewaretoken" not in hit.content
    assert not hit.cookies


def test_head_requests_are_answered_from_the_cache(seed):
    Client().get(seed.url)
    assert Client().head(seed.url)["X-Cache"] == "HIT"


def test_publishing_a_new_revision_drops_the_cached_pages(seed, committed):
    index_url = seed.get_parent().url
    Client().get(seed.url)
    Client().get(index_url)
    seed.title = "Neuer Titel nach der Korrektur"
    with committed():
        seed.save_revision().publish()
    for url in (seed.url, index_url):
        response = Client().get(url)
        assert response["X-Cache"] == "MISS"
        assert "Neuer Titel nach der Korrektur" in response.content.decode()


def test_a_newly_published_post_shows_on_the_cached_index_at_once(seed, committed):
    index = seed.get_parent()
    Client().get(index.url)
    with committed():
        BlogPostPageFactory(parent=index, title="Ganz frisch veröffentlicht", slug="ganz-frisch")
    response = Client().get(index.url)
    assert "Ganz frisch veröffentlicht" in response.content.decode()


def test_unpublishing_a_post_removes_it_from_the_cache(seed, committed):
    assert Client().get(seed.url).status_code == 200
    url = seed.url
    with committed():
        seed.unpublish()
    assert Client().get(url).status_code == 404


def test_deleting_a_post_removes_it_from_the_cache(seed, committed):
    url = seed.url
    Client().get(url)
    with committed():
        seed.delete()
    assert Client().get(url).status_code == 404


def test_a_new_privacy_restriction_hides_the_cached_post_and_pdf_at_once(seed, committed):
    from wagtail.models import PageViewRestriction

    Client().get(seed.url)
    assert Client().get(seed.url)["X-Cache"] == "HIT"
    assert Client().get(seed.url + "pdf/").status_code == 200
    with committed():
        PageViewRestriction.objects.create(page=seed, restriction_type=PageViewRestriction.LOGIN)
    page_response = Client().get(seed.url)
    assert page_response.status_code == 302
    assert "/admin/login/" in page_response["Location"] or "login" in page_response["Location"]
    assert Client().get(seed.url + "pdf/").status_code in (302, 404)


def test_a_change_to_a_posts_comments_drops_its_cached_page_only(seed, blog_index, committed):
    from comments.cache import on_public_comments_changed

    with committed():
        other = BlogPostPageFactory(parent=blog_index, title="Ein anderer Beitrag", slug="anderer")
    for url in (seed.url, other.url):
        Client().get(url)
        assert Client().get(url)["X-Cache"] == "HIT"
    on_public_comments_changed(None, post_id=seed.pk)
    assert Client().get(seed.url)["X-Cache"] == "MISS"
    assert Client().get(other.url)["X-Cache"] == "HIT"


def test_changing_site_settings_or_a_category_drops_the_pages_that_show_them(seed, committed):
    from core.models import SiteSettings

    Client().get(seed.url)
    site_settings = SiteSettings.for_site(seed.get_site())
    site_settings.site_name = "WIR. LEBEN. EIFEL. (Test)"
    with committed():
        site_settings.save()
    response = Client().get(seed.url)
    assert response["X-Cache"] == "MISS"
    assert "WIR. LEBEN. EIFEL. (Test)" in response.content.decode()

    category = seed.categories.first()
    category.name = "Umbenannte Kategorie"
    with committed():
        category.save()
    response = Client().get(seed.url)
    assert response["X-Cache"] == "MISS"
    assert "Umbenannte Kategorie" in response.content.decode()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        username="redakteurin", password="ein-gutes-passwort-1", is_staff=True, is_superuser=True
    )


def test_logged_in_users_never_get_a_cached_copy(seed, editor):
    Client().get(seed.url)
    logged_in = Client()
    logged_in.force_login(editor)
    response = logged_in.get(seed.url)
    assert response["X-Cache"] == "BYPASS"
    assert response.status_code == 200


def test_logged_in_users_never_create_a_cached_copy(seed, editor):
    logged_in = Client()
    logged_in.force_login(editor)
    logged_in.get(seed.url)
    assert Client().get(seed.url)["X-Cache"] == "MISS"


def test_a_reader_with_a_held_comment_preview_bypasses_the_cache(seed):
    Client().get(seed.url)
    reader = Client()
    reader.cookies["comment_preview"] = "signed-ids"
    assert reader.get(seed.url)["X-Cache"] == "BYPASS"
    # ... and what was rendered for them is never stored for others.
    cache.clear()
    reader.get(seed.url)
    assert Client().get(seed.url)["X-Cache"] == "MISS"


def test_any_cookie_but_the_csrf_cookie_bypasses_the_cache(seed):
    Client().get(seed.url)
    with_csrf_cookie = Client()
    with_csrf_cookie.cookies["csrftoken"] = "x" * 32
    assert with_csrf_cookie.get(seed.url)["X-Cache"] == "HIT"
    with_other_cookie = Client()
    with_other_cookie.cookies["messages"] = "anything"
    assert with_other_cookie.get(seed.url)["X-Cache"] == "BYPASS"


def test_only_the_canonical_page_number_query_is_cached(seed):
    for number in range(10):
        BlogPostPageFactory(parent=seed.get_parent(), title=f"Weiterer Beitrag {number}")
    index_url = seed.get_parent().url
    assert Client().get(index_url + "?seite=2")["X-Cache"] == "MISS"
    assert Client().get(index_url + "?seite=2")["X-Cache"] == "HIT"
    # Page 1 is the address without the parameter; other spellings of a number are not stored apart.
    for query in ("?seite=1", "?seite=02", "?seite=%D9%A2", "?seite=2&utm_source=x", "?q=eifel"):
        assert Client().get(index_url + query)["X-Cache"] == "BYPASS", query


def test_a_page_number_on_a_page_that_does_not_paginate_is_not_stored(seed):
    from home.models import StandardPage

    imprint = seed.get_parent().get_parent().add_child(instance=StandardPage(title="Impressum", slug="impressum"))
    for _ in range(2):
        response = Client().get(imprint.url + "?seite=3")
        assert response.status_code == 200
        assert response["X-Cache"] == "BYPASS"


def test_posts_are_never_answered_from_the_cache(seed):
    Client().get(seed.url)
    response = Client().post(seed.url, {})
    assert response.get("X-Cache") != "HIT"


def run_middleware(rf, view, path="/beitraege/probe/"):
    middleware = PageCacheMiddleware(view)
    return [middleware(rf.get(path))["X-Cache"] for _ in range(2)]


def test_responses_that_set_a_cookie_are_never_stored(rf, db):
    def view(request):
        response = HttpResponse("<p>persönlich</p>", content_type="text/html; charset=utf-8")
        response.set_cookie("remember", "Name")
        return response

    assert run_middleware(rf, view) == ["BYPASS", "BYPASS"]


def test_pages_that_use_a_csrf_token_are_never_stored(rf, db):
    def view(request):
        return HttpResponse(f"<input value='{get_token(request)}'>", content_type="text/html")

    assert run_middleware(rf, view) == ["BYPASS", "BYPASS"]


def test_private_errors_and_responses_other_than_pages_are_never_stored(rf, db):
    def private(request):
        response = HttpResponse("<p>x</p>", content_type="text/html")
        response["Cache-Control"] = "private"
        return response

    assert run_middleware(rf, private) == ["BYPASS", "BYPASS"]
    assert run_middleware(rf, lambda r: HttpResponse("x", status=404, content_type="text/html")) == [
        "BYPASS",
        "BYPASS",
    ]
    assert run_middleware(rf, lambda r: HttpResponse(b"{}", content_type="application/json")) == [
        "BYPASS",
        "BYPASS",
    ]
    # A PDF is cached once, by its revision (blog/pdf.py), not a second time as a page.
    pdf = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    assert run_middleware(rf, lambda r: pdf, path="/beitraege/probe/pdf/") == ["BYPASS", "BYPASS"]
    assert run_middleware(rf, lambda r: HttpResponse("<p>ok</p>", content_type="text/html")) == ["MISS", "HIT"]


def test_a_lost_clock_or_tag_never_revives_old_entries(seed):
    Client().get(seed.url)
    assert Client().get(seed.url)["X-Cache"] == "HIT"
    # Redis lost a tag's stamp (eviction): the entry can no longer prove it is fresh.
    cache.delete(tag_key(f"page:{seed.pk}"))
    assert Client().get(seed.url)["X-Cache"] == "MISS"
    assert Client().get(seed.url)["X-Cache"] == "HIT"
    # Redis lost the clock: it starts again above every value it had, so an invalidation still counts.
    cache.delete(CLOCK_KEY)
    invalidate(f"page:{seed.pk}")
    assert Client().get(seed.url)["X-Cache"] == "MISS"


def test_the_cache_is_off_when_no_lifetime_is_configured(seed, settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get(seed.url)
    response = Client().get(seed.url)
    assert "X-Cache" not in response


def test_csrf_holds_for_logged_in_admin_posts(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/admin/pages/add/home/standardpage/1/", {"title": "x"})
    assert response.status_code == 403
