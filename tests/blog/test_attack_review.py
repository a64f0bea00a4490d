"""Outside review of two changes: "Weitere Beiträge" of the same site only (0b0c310) and listings counted
by a scalar subquery (bd5beec); the workers' collector threshold is tested in tests/test_app_server_settings.py."""

import datetime

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Page, PageViewRestriction, Site

from blog.factories import BlogIndexPageFactory, BlogPostPageFactory, post_form
from blog.listings import KEPT_PAGES, WindowCountPaginator
from blog.models import POSTS_PER_PAGE, BlogPostPage
from home.models import HomePage

pytestmark = pytest.mark.django_db


def related(response):
    assert response.status_code == 200, response.status_code
    html = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in html.select(".related .post-card__title a")]


def listed(response):
    assert response.status_code == 200, response.status_code
    html = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in html.select(".post-list .post-card__title a")]


def current_page(response):
    html = BeautifulSoup(response.content, "html.parser")
    item = html.select_one(".pagination__item--current")
    return item.get_text(strip=True) if item else None


def has_next(response):
    return BeautifulSoup(response.content, "html.parser").select_one('a[rel="next"]') is not None


@pytest.fixture
def other_site(home_page, category):
    """A second site (its own home page and index) with a newer post sharing the category."""
    other_home = home_page.get_parent().add_child(instance=HomePage(title="Andere Seite", slug="andere-seite"))
    Site.objects.create(hostname="andere.example", port=80, root_page=other_home, site_name="Andere Seite")
    other_index = BlogIndexPageFactory(parent=other_home, slug="nachrichten")
    elsewhere = BlogPostPageFactory(
        parent=other_index, title="Andere Seite, gleiche Kategorie", date="2030-01-01", categories=[category]
    )
    return other_index, elsewhere


# --- "Weitere Beiträge" of the same site -------------------------------------------------------------


def test_preview_of_a_new_post_lists_no_post_of_another_site(
    admin_client, make_post, blog_index, author, other_author, category, other_site
):
    """The editor's preview of a post not yet saved (Wagtail gives it a path below the index, no id) must
    show what the published post will show: this site's posts only, not the other site's newer one."""
    make_post(title="Gleiche Seite", date="2014-01-01", categories=[category])
    url = reverse("wagtailadmin_pages:preview_on_add", args=("blog", "blogpostpage", blog_index.pk))
    form = post_form(author, other_author, [category])
    assert admin_client.post(url, form).json()["is_valid"] is True
    cache.clear()
    assert related(admin_client.get(url)) == ["Gleiche Seite"]


@pytest.mark.parametrize("restricted", [False, True])
def test_related_posts_of_the_same_site_with_and_without_a_restriction(
    client, make_post, category, other_site, restricted
):
    post = make_post(title="Dieser Beitrag", date="2015-09-15", categories=[category])
    make_post(title="Gleiche Seite", date="2014-01-01", categories=[category])
    hidden = make_post(title="Geschützt", date="2016-01-01", categories=[category])
    if restricted:
        PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    cache.clear()
    expected = ["Gleiche Seite"] if restricted else ["Geschützt", "Gleiche Seite"]
    assert related(client.get(post.url)) == expected
    _index, elsewhere = other_site
    cache.clear()
    assert related(client.get(elsewhere.url, HTTP_HOST="andere.example")) == []


def test_a_post_moved_to_another_site_takes_its_related_posts_along(client, make_post, category, other_site):
    other_index, elsewhere = other_site
    post = make_post(title="Umzug", date="2015-09-15", categories=[category])
    make_post(title="Bleibt hier", date="2014-01-01", categories=[category])
    cache.clear()
    assert related(client.get(post.url)) == ["Bleibt hier"]
    post.move(other_index, pos="last-child")
    post = BlogPostPage.objects.get(pk=post.pk)
    cache.clear()
    assert related(client.get(post.url, HTTP_HOST="andere.example")) == ["Andere Seite, gleiche Kategorie"]
    cache.clear()
    html = client.get(elsewhere.url, HTTP_HOST="andere.example")
    assert related(html) == ["Umzug"]


def test_home_path_is_the_home_page(make_post, home_page):
    post = make_post(title="Pfad")
    assert post.home_path == home_page.path
    assert Page.objects.get(path=post.home_path).specific_class is HomePage


# --- Listings counted by a scalar subquery -----------------------------------------------------------


@pytest.fixture
def twenty_three(make_post, category, author):
    from blog.models import PostTag

    tag = PostTag.objects.create(name="Üxheim")
    posts = [
        make_post(title=f"Beitrag {day}", date=f"2015-03-{day:02d}", categories=[category], authors=[author])
        for day in range(1, 24)
    ]
    # Not listed, and so not counted: a draft, a restricted post.
    posts.append(make_post(title="Entwurf", live=False, date="2015-03-28", categories=[category], authors=[author]))
    secret = make_post(title="Geheim", date="2015-03-29", categories=[category], authors=[author])
    for post in [*posts, secret]:
        post.tags.set([tag])
        post.save()
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)


@pytest.mark.parametrize(
    "url",
    [
        "/beitraege/",
        "/beitraege/kategorie/wirtschaft/",
        "/beitraege/autor/klaus-schaefer/",
        "/beitraege/2015/03/",
        "/beitraege/schlagwort/uexheim/",
    ],
)
def test_total_and_last_page_count_what_is_listed(client, twenty_three, url):
    cache.clear()
    first, third = client.get(url), client.get(url + "?seite=3")
    assert current_page(first) == "Seite 1 von 3"
    assert has_next(first)
    assert listed(third) == ["Beitrag 3", "Beitrag 2", "Beitrag 1"]
    assert current_page(third) == "Seite 3 von 3"
    assert not has_next(third)
    for page in ("4", "99", "-1", "1e3", "9" * 5000, str(2**62), "2.0", "0x2", ""):
        response = client.get(url + f"?seite={page}")
        assert response.status_code == 404, page
        assert "Seite nicht gefunden" in response.content.decode(), page


def test_the_total_without_restrictions_counts_the_restricted_post_once_lifted(client, twenty_three):
    PageViewRestriction.objects.all().delete()
    cache.clear()
    first = client.get("/beitraege/")
    assert listed(first)[0] == "Geheim"
    assert current_page(first) == "Seite 1 von 3"
    assert listed(client.get("/beitraege/?seite=3")) == ["Beitrag 4", "Beitrag 3", "Beitrag 2", "Beitrag 1"]


def test_deep_pages_kept_and_uncompiled_agree_with_the_orm(blog_index, make_post):
    total = POSTS_PER_PAGE * (KEPT_PAGES + 2) - 3
    for number in range(total):
        make_post(title=f"Tief {number}", date=datetime.date(2010, 1, 1) + datetime.timedelta(days=number))
    pages = -(-total // POSTS_PER_PAGE)
    for number in range(1, pages + 1):
        page = WindowCountPaginator(blog_index.listing("index"), POSTS_PER_PAGE).page(number)
        assert page.paginator.count == total
        assert page.paginator.num_pages == pages
        assert page.has_next() == (number < pages)
        assert len(page.object_list) == (POSTS_PER_PAGE if number < pages else total % POSTS_PER_PAGE)


def test_the_count_subquery_carries_the_index_value_in_both_places(client, make_post, home_page, blog_index):
    """The compiled SQL is kept per shape: a second index's listing must count its own posts, not the first's."""
    make_post(title="Hier")
    other_home = home_page.get_parent().add_child(instance=HomePage(title="Zweite", slug="zweite"))
    Site.objects.create(hostname="zweite.example", port=80, root_page=other_home, site_name="Zweite")
    other_index = BlogIndexPageFactory(parent=other_home, slug="beitraege")
    for number in range(12):
        BlogPostPageFactory(parent=other_index, title=f"Dort {number}")
    first = WindowCountPaginator(blog_index.listing("index"), POSTS_PER_PAGE).page(1)
    second = WindowCountPaginator(other_index.listing("index"), POSTS_PER_PAGE).page(1)
    assert (first.paginator.count, second.paginator.count) == (1, 12)
    with CaptureQueriesContext(connection) as queries:
        WindowCountPaginator(other_index.listing("index"), POSTS_PER_PAGE).page(2)
    sql = next(query["sql"] for query in queries if "COUNT(" in query["sql"].upper())
    assert sql.count(other_index.path) >= 2


def test_empty_archives_and_empty_search(client, blog_index):
    cache.clear()
    assert client.get("/beitraege/").status_code == 200
    assert client.get("/beitraege/?seite=2").status_code == 404
    assert client.get("/beitraege/2015/03/").status_code == 404
    assert client.get("/beitraege/suche/").status_code == 200
    assert client.get("/beitraege/suche/?seite=2").status_code == 404


def test_search_count_matches_its_results(client, make_post, draft):
    for number in range(13):
        make_post(title=f"Radweg Nummer {number}", intro="Fahrräder statt Züge.")
    secret = make_post(title="Radweg geheim")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    cache.clear()
    response = client.get("/beitraege/suche/?q=Radweg")
    assert "13 Beiträge zu „Radweg“." in response.content.decode()
    assert len(listed(client.get("/beitraege/suche/?q=Radweg&seite=2"))) == 3
