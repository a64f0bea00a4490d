"""Issue 17, second round, attacked: the queries core.compiled keeps and the markup written in Python,
through real requests. Every request here starts with every cache empty, so that what is checked is
the compiled SQL (kept per connection across requests) and the data it reads, never a cached page."""

import datetime

import pytest

from django.core.cache import cache
from django.db import connections

from wagtail.models import PageViewRestriction, Site

from blog.factories import BlogPostPageFactory, CategoryFactory
from blog.models import BlogPostTag, PostTag
from comments.factories import PostCommentFactory
from comments.models import Status
from home.models import HomePage
from tests.hostile import EVIL, assert_no_injection

pytestmark = pytest.mark.django_db


def fresh_get(client, url, **extra):
    """A request with every cache empty (the compiled SQL stays: it lives on the connection)."""
    cache.clear()
    return client.get(url, **extra)


def assert_page_without_injection(response):
    assert response.status_code == 200, response.status_code
    return assert_no_injection(response)


@pytest.fixture
def two_posts(blog_index, author, category):
    first = BlogPostPageFactory(
        parent=blog_index,
        title="Erster Beitrag",
        slug="erster",
        date=datetime.date(2024, 5, 1),
        authors=[author],
        categories=[category],
    )
    second = BlogPostPageFactory(
        parent=blog_index,
        title="Zweiter Beitrag",
        slug="zweiter",
        date=datetime.date(2024, 6, 1),
        authors=[author],
        categories=[category],
    )
    PostCommentFactory(post=first, status=Status.APPROVED, user_name="Leserin Erste", comment="Gut.")
    return first, second


PAGES = ["/", "/beitraege/", "/beitraege/kategorie/wirtschaft/", "/beitraege/autor/klaus-schaefer/", "/beitraege/2024/"]


def test_a_restriction_added_and_removed_while_the_process_runs_shows_at_once(client, two_posts):
    first, second = two_posts
    for url in [*PAGES, "/beitraege/zweiter/"]:
        assert "Erster Beitrag" in fresh_get(client, url).content.decode(), url
    restriction = PageViewRestriction.objects.create(page=first, restriction_type=PageViewRestriction.LOGIN)
    for url in [*PAGES, "/beitraege/zweiter/", "/beitraege/2024/05/"]:
        response = fresh_get(client, url)
        if url.endswith("/05/"):
            assert response.status_code == 404
            continue
        html = response.content.decode()
        assert "Erster Beitrag" not in html, url
        assert "Leserin Erste" not in html, url
        assert "Mai 2024" not in html, url  # the month list counts no restricted post
    restriction.delete()
    for url in [*PAGES, "/beitraege/zweiter/"]:
        html = fresh_get(client, url).content.decode()
        assert "Erster Beitrag" in html, url


def test_a_restriction_on_the_index_hides_everything_below_it(client, two_posts, blog_index):
    fresh_get(client, "/")
    PageViewRestriction.objects.create(page=blog_index, restriction_type=PageViewRestriction.LOGIN)
    html = fresh_get(client, "/").content.decode()
    assert "Erster Beitrag" not in html and "Zweiter Beitrag" not in html and "Leserin Erste" not in html
    assert fresh_get(client, "/beitraege/").status_code in (302, 403)
    assert fresh_get(client, "/beitraege/erster/").status_code in (302, 403)


def test_changes_show_on_the_next_request(client, two_posts, category, author):
    first, second = two_posts
    fresh_get(client, "/beitraege/")
    fresh_get(client, "/beitraege/erster/")
    first.title = "Umbenannt"
    first.slug = "umbenannt"
    first.save_revision().publish()
    category.name = "Neue Wirtschaft"
    category.save()
    author.name = "Klara Schäfer"
    author.save()
    html = fresh_get(client, "/beitraege/").content.decode()
    assert "Umbenannt" in html and "Erster Beitrag" not in html
    assert "Neue Wirtschaft" in html and "Klara Schäfer" in html
    assert fresh_get(client, "/beitraege/erster/").status_code == 404
    assert "Umbenannt" in fresh_get(client, "/beitraege/umbenannt/").content.decode()
    assert "Umbenannt" in fresh_get(client, "/beitraege/zweiter/").content.decode()  # related card
    second.unpublish()
    assert fresh_get(client, "/beitraege/zweiter/").status_code == 404
    assert "Zweiter Beitrag" not in fresh_get(client, "/beitraege/").content.decode()
    assert "Zweiter Beitrag" not in fresh_get(client, "/").content.decode()


def test_a_comment_approved_withdrawn_and_anonymised_shows_so_on_the_next_request(client, two_posts):
    from comments import lifecycle

    first, _second = two_posts
    held = PostCommentFactory(post=first, status=Status.PENDING, user_name="Wartende Leserin", comment="Halt.")
    urls = ["/beitraege/erster/", "/beitraege/", "/", "/kommentare/feed/"]
    for url in urls:
        assert "Wartende Leserin" not in fresh_get(client, url).content.decode(), url
    lifecycle.apply(held, "approve")
    for url in urls[:2] + urls[3:]:  # the home page has no "Neueste Kommentare"
        assert "Wartende Leserin" in fresh_get(client, url).content.decode(), url
    lifecycle.anonymise([held])
    for url in urls:
        assert "Wartende Leserin" not in fresh_get(client, url).content.decode(), url
    lifecycle.apply(held, "withdraw")
    for url in urls:
        html = fresh_get(client, url).content.decode()
        assert "Halt." not in html, url


def test_a_second_site_gets_its_own_home_and_no_other_sites_posts(client, two_posts, home_page):
    from wagtail.models import Page

    fresh_get(client, "/")
    root = Page.get_first_root_node()
    other_home = root.add_child(instance=HomePage(title="Andere Seite", slug="andere"))
    Site.objects.create(hostname="andere.example", port=80, root_page=other_home, site_name="Andere")
    response = fresh_get(client, "/", HTTP_HOST="andere.example")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Andere Seite" in html
    assert "Erster Beitrag" not in html
    # A port that is not the site's: still that host's site (Wagtail's choice).
    response = fresh_get(client, "/", HTTP_HOST="andere.example:8080")
    assert "Andere Seite" in response.content.decode()
    # The default site still answers every other host.
    assert "Erster Beitrag" in fresh_get(client, "/", HTTP_HOST="unbekannt.example").content.decode()


def test_hostile_values_in_every_python_written_piece_stay_text(client, blog_index, author, category, image):
    child = CategoryFactory(name=EVIL, slug="boese", parent=category)
    author.name = EVIL
    author.save()
    tag = PostTag.objects.create(name=EVIL, slug="boese-tag")
    posts = []
    for number in range(12):
        post = BlogPostPageFactory(
            parent=blog_index,
            title=f"{EVIL} {number}",
            slug=f"boese-{number}",
            intro=EVIL * 3,
            date=datetime.date(2024, 1 + number % 12, 1),
            authors=[author],
            categories=[child],
            featured_image=image if number % 2 else None,
        )
        BlogPostTag.objects.create(content_object_id=post.pk, tag=tag)
        PostCommentFactory(post=post, status=Status.APPROVED, user_name=EVIL[:50], comment=EVIL)
        posts.append(post)
    home = HomePage.objects.get()
    home.featured_post = posts[3]
    home.save_revision().publish()
    urls = [
        "/",
        "/beitraege/",
        "/beitraege/?seite=2",
        "/beitraege/kategorie/boese/",
        "/beitraege/kategorie/wirtschaft/",
        "/beitraege/autor/klaus-schaefer/",
        "/beitraege/schlagwort/boese-tag/",
        "/beitraege/2024/",
        "/beitraege/2024/03/",
        "/beitraege/boese-3/",
        "/beitraege/suche/?q=Eifel",
    ]
    for url in urls:
        assert_page_without_injection(fresh_get(client, url))


@pytest.mark.parametrize(
    "value",
    ["0", "-1", "2", "3", "99999999999999999999", "9" * 5000, "1e3", "%00", "1 ", "٣", "1_0", "0x2", "", "abc", "'"],
)
@pytest.mark.parametrize(
    "route", ["/beitraege/", "/beitraege/kategorie/wirtschaft/", "/beitraege/autor/klaus-schaefer/", "/beitraege/2024/"]
)
def test_hostile_page_numbers_are_a_german_404_or_a_page(client, two_posts, route, value):
    response = fresh_get(client, f"{route}?seite={value}")
    assert response.status_code in (200, 404), (route, value, response.status_code)
    if response.status_code == 404:
        assert 'lang="de"' in response.content.decode()


def test_hostile_slugs_and_paths_never_give_a_500(client, two_posts):
    for url in [
        "/beitraege/%00/",
        "/%00/",
        "/beitraege/erster%00/",
        "/beitraege/" + "x" * 5000 + "/",
        "/beitraege/kategorie/" + "x" * 3000 + "/",
        "/beitraege/autor/%C3%A4/",
        "/beitraege/schlagwort/a%25b/",
        "/beitraege/schlagwort/%25/",
        "/beitraege/0000/",
        "/beitraege/9999/12/",
        "/beitraege/2024/00/",
        "/be%25itraege/",
        "/_/",
    ]:
        response = fresh_get(client, url)
        assert response.status_code < 500, (url, response.status_code)


def test_many_categories_keep_the_compiled_cache_bounded(client, blog_index, author):
    from core import compiled

    categories = [CategoryFactory(name=f"Ort {n}", slug=f"ort-{n}") for n in range(40)]
    for n in range(0, 40, 4):
        BlogPostPageFactory(
            parent=blog_index, slug=f"ort-beitrag-{n}", authors=[author], categories=categories[: n + 1]
        )
    for n in range(40):
        fresh_get(client, f"/beitraege/kategorie/ort-{n}/")
    for n in range(0, 40, 4):
        assert fresh_get(client, f"/beitraege/ort-beitrag-{n}/").status_code == 200
    entries = connections["default"].__dict__["_core_compiled"][1]
    assert len(entries) <= compiled.MAX_ENTRIES


def test_the_site_of_the_port_wins_and_no_site_at_all_is_a_german_404(client, two_posts, home_page):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    port_home = root.add_child(instance=HomePage(title="Seite auf 8080", slug="port"))
    Site.objects.create(hostname="testserver", port=8080, root_page=port_home, site_name="Port")
    assert "Seite auf 8080" in fresh_get(client, "/", HTTP_HOST="testserver:8080", SERVER_PORT="8080").content.decode()
    assert "Erster Beitrag" in fresh_get(client, "/", HTTP_HOST="testserver").content.decode()
    Site.objects.all().delete()
    response = fresh_get(client, "/beitraege/erster/")
    assert response.status_code == 404
    assert 'lang="de"' in response.content.decode()
