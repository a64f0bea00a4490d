"""Hostile cases for the bounded "Weitere Beiträge" query (compound UNION ALL on PostgreSQL, two
limited IN-subqueries on SQLite): real page requests checked against a ranking of every post in Python."""

import datetime
import random

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

from blog.factories import BlogIndexPageFactory, CategoryFactory, post_form
from blog.models import RELATED_POSTS_LIMIT, BlogPostPage

pytestmark = pytest.mark.django_db

EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def cards(response):
    assert response.status_code == 200, response.status_code
    html = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in html.select(".related .post-card__title a")]


def shown(client, post):
    cache.clear()
    return cards(client.get(post.url))


def expected(post_pk, category_ids):
    """Every live, public post but `post_pk`, sharing first, then -date, -first_published_at (NULL first), -pk."""
    restricted = [r.page for r in PageViewRestriction.objects.select_related("page")]
    rows = []
    for other in BlogPostPage.objects.live().prefetch_related("categories"):
        if other.pk == post_pk:
            continue
        if any(other.path.startswith(page.path) for page in restricted):
            continue
        shares = bool({c.pk for c in other.categories.all()} & set(category_ids))
        published = other.first_published_at
        rows.append(((shares, other.date, published is None, published or EARLIEST, other.pk), other.title))
    rows.sort(reverse=True)
    return [title for _key, title in rows[:RELATED_POSTS_LIMIT]]


@pytest.fixture
def categories(db):
    return [CategoryFactory(name=f"Kat {n}", slug=f"kat-{n}") for n in range(6)]


def build(make_post, categories, rng, count, blog_index, second_index=None):
    posts = []
    for number in range(count):
        chosen = rng.sample(categories, rng.choice([0, 0, 1, 1, 2, 3, 6]))
        parent = second_index if second_index is not None and rng.random() < 0.3 else blog_index
        posts.append(
            make_post(
                title=f"Beitrag {number:03d}",
                slug=f"beitrag-{number:03d}",
                date=datetime.date(2020, 1, 1 + rng.randrange(3)),
                categories=chosen,
                parent=parent,
            )
        )
    # NULL first publication dates and equal first publication dates.
    Page.objects.filter(pk__in=[p.pk for p in posts[::4]]).update(first_published_at=None)
    same = timezone.now().replace(microsecond=0)
    Page.objects.filter(pk__in=[p.pk for p in posts[1::4]]).update(first_published_at=same)
    return posts


@pytest.mark.parametrize("seed", range(6))
def test_fuzz_pages_match_full_ranking_with_drafts_expired_restrictions(
    client, make_post, blog_index, home_page, categories, seed
):
    rng = random.Random(seed)
    second_index = BlogIndexPageFactory(parent=home_page, title="Zweite", slug="zweite")
    posts = build(make_post, categories, rng, 18, blog_index, second_index)
    # Drafts, unpublished (expired), scheduled: all share every category, all brand new.
    make_post(title="Entwurf X", slug="entwurf-x", live=False, categories=categories, date=datetime.date(2030, 1, 1))
    expired = make_post(
        title="Abgelaufen X", slug="abgelaufen-x", categories=categories, date=datetime.date(2030, 1, 1)
    )
    expired.expire_at = timezone.now() - datetime.timedelta(days=1)
    expired.save()
    expired.unpublish()
    scheduled = make_post(
        title="Geplant X", slug="geplant-x", live=False, categories=categories, date=datetime.date(2030, 1, 1)
    )
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()

    public_posts = [p for p in posts if p.get_parent().pk == blog_index.pk]
    for phase in ("none", "post", "index", "both"):
        PageViewRestriction.objects.all().delete()
        if phase in ("post", "both"):
            for victim in rng.sample(public_posts, 3):
                PageViewRestriction.objects.create(page=victim, restriction_type=PageViewRestriction.LOGIN)
        if phase in ("index", "both"):
            PageViewRestriction.objects.create(
                page=second_index, restriction_type=PageViewRestriction.PASSWORD, password="x"
            )
        restricted = {r.page_id for r in PageViewRestriction.objects.all()}
        for post in public_posts:
            if post.pk in restricted:
                continue
            post = BlogPostPage.objects.get(pk=post.pk)
            ids = [c.pk for c in post.categories.all()]
            titles = shown(client, post)
            assert titles == expected(post.pk, ids), (
                phase,
                post.title,
                ids,
                titles,
                expected(post.pk, ids),
                [
                    (p.title, p.date, p.first_published_at, p.pk, [c.pk for c in p.categories.all()])
                    for p in BlogPostPage.objects.filter(title__in=titles + expected(post.pk, ids))
                ],
            )
            assert post.title not in titles
            assert not any(t.endswith(" X") for t in titles)


def test_fewer_than_five_others_and_lonely_categories(client, make_post, categories):
    lonely = CategoryFactory(name="Allein", slug="allein")
    post = make_post(title="Einsam", categories=[lonely])
    assert shown(client, post) == []
    one = make_post(title="Nur einer", date=datetime.date(2019, 1, 1))
    assert shown(client, post) == ["Nur einer"]
    make_post(title="Mit allen", categories=categories, date=datetime.date(2018, 1, 1))
    assert shown(client, post) == ["Nur einer", "Mit allen"]
    assert shown(client, one) == ["Mit allen", "Einsam"] or shown(client, one) == expected(one.pk, [])


def test_all_equal_dates_and_null_first_published(client, make_post, category):
    posts = [
        make_post(title=f"Gleich {n}", date=datetime.date(2021, 3, 3), categories=[category] if n % 2 else [])
        for n in range(12)
    ]
    Page.objects.filter(pk__in=[p.pk for p in posts]).update(first_published_at=None)
    for post in posts[:4]:
        assert shown(client, post) == expected(post.pk, [c.pk for c in post.categories.all()])


def test_many_categories_more_than_parameters(client, make_post, blog_index):
    many = [CategoryFactory(name=f"Viele {n}", slug=f"viele-{n}") for n in range(40)]
    post = make_post(title="Alles", categories=many)
    for n in range(10):
        make_post(title=f"Teilt {n}", categories=[many[n * 3]], date=datetime.date(2010, 1, 1 + n))
        make_post(title=f"Neu {n}", date=datetime.date(2022, 1, 1 + n))
    assert shown(client, post) == [f"Teilt {n}" for n in (9, 8, 7, 6, 5)]


def test_preview_of_an_unsaved_post_in_the_admin(
    admin_client, make_post, blog_index, author, other_author, category, other_category
):
    # Another post named like the preview (same slug taken elsewhere is not the point): the preview has pk None.
    for n in range(7):
        make_post(title=f"Anders {n}", date=datetime.date(2015, 1, 1 + n), categories=[category] if n < 2 else [])
    make_post(title="Entwurf Y", live=False, categories=[category], date=datetime.date(2030, 1, 1))
    PageViewRestriction.objects.create(
        page=BlogPostPage.objects.get(title="Anders 0"), restriction_type=PageViewRestriction.LOGIN
    )
    url = reverse("wagtailadmin_pages:preview_on_add", args=("blog", "blogpostpage", blog_index.pk))
    form = post_form(author, other_author, [category, other_category])
    assert admin_client.post(url, form).json()["is_valid"] is True
    cache.clear()
    titles = cards(admin_client.get(url))
    assert titles == ["Anders 1", "Anders 6", "Anders 5", "Anders 4", "Anders 3"]
    PageViewRestriction.objects.all().delete()
    cache.clear()
    assert cards(admin_client.get(url)) == ["Anders 1", "Anders 0", "Anders 6", "Anders 5", "Anders 4"]


def test_preview_of_a_saved_post_never_lists_itself(admin_client, make_post, author, other_author, category):
    post = make_post(
        title="Ich selbst", categories=[category], authors=[author, other_author], date=datetime.date(2030, 1, 1)
    )
    make_post(title="Anderer", categories=[category])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    form = post_form(author, other_author, [category], post=post, title="Ich selbst", slug=post.slug)
    assert admin_client.post(url, form).json()["is_valid"] is True
    cache.clear()
    assert cards(admin_client.get(url)) == ["Anderer"]
