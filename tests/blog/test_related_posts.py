""" "Weitere Beiträge": 3 to 5 other posts, those sharing a category first, newest first, never itself or a draft."""

from bs4 import BeautifulSoup

from blog.models import RELATED_POSTS_LIMIT


def related_titles(client, post):
    html = BeautifulSoup(client.get(post.url).content, "html.parser")
    assert html.select_one(".related h2").get_text() == "Weitere Beiträge"
    return [a.get_text() for a in html.select(".related .post-card__title a")]


def test_posts_sharing_a_category_come_first_then_the_newest_others(client, make_post, category, other_category, draft):
    post = make_post(title="Dieser Beitrag", date="2015-09-15", categories=[category])
    make_post(title="Gleiche Kategorie alt", date="2014-01-01", categories=[category])
    make_post(title="Gleiche Kategorie neu", date="2015-01-01", categories=[category, other_category])
    make_post(title="Andere Kategorie neuester", date="2016-01-01", categories=[other_category])
    make_post(title="Ohne Kategorie", date="2015-06-01")
    make_post(title="Andere Kategorie älter", date="2013-01-01", categories=[other_category])

    assert related_titles(client, post) == [
        "Gleiche Kategorie neu",
        "Gleiche Kategorie alt",
        "Andere Kategorie neuester",
        "Ohne Kategorie",
        "Andere Kategorie älter",
    ]


def test_never_more_than_five_never_itself_never_a_draft_or_scheduled_post(
    client, make_post, category, draft, scheduled_post
):
    post = make_post(title="Dieser Beitrag", categories=[category])
    for number in range(8):
        make_post(title=f"Anderer {number}", date=f"2015-01-{number + 1:02d}", categories=[category])

    titles = related_titles(client, post)

    assert len(titles) == RELATED_POSTS_LIMIT == 5
    assert titles == [f"Anderer {number}" for number in (7, 6, 5, 4, 3)]
    assert "Dieser Beitrag" not in titles
    assert "Ein Entwurf" not in titles
    assert "Erscheint morgen" not in titles


def test_post_without_categories_shows_the_newest_other_posts(client, make_post):
    post = make_post(title="Ohne alles", date="2015-05-05")
    for number in range(3):
        make_post(title=f"Neu {number}", date=f"2015-02-{number + 1:02d}")

    assert related_titles(client, post) == ["Neu 2", "Neu 1", "Neu 0"]


def test_a_post_shared_by_several_categories_is_listed_once(client, make_post, category, other_category):
    post = make_post(title="Dieser", categories=[category, other_category])
    make_post(title="Teilt beide", categories=[category, other_category])
    make_post(title="Noch einer")
    make_post(title="Und noch einer")

    titles = related_titles(client, post)

    assert titles.count("Teilt beide") == 1
    assert titles[0] == "Teilt beide"
    assert len(titles) == 3


def test_the_bounded_query_ranks_exactly_as_ranking_every_post(make_post, category, other_category):
    """related_posts looks only at the newest five sharing posts and the newest five overall (on PostgreSQL
    one UNION ALL ranked in Python): the same five, in the same order, as ranking every live post, with
    ties on the date and posts without a first publication date."""
    import datetime
    import random

    from django.db.models import Exists, OuterRef

    from wagtail.models import Page

    from blog.models import BlogPostPage

    rng = random.Random(17)
    third = type(category).objects.create(name="Sport", slug="sport")
    choices = [[], [category], [other_category], [third], [category, third]]
    posts = [
        make_post(
            title=f"Beitrag {number}", date=datetime.date(2020, 1, 1 + rng.randrange(4)), categories=rng.choice(choices)
        )
        for number in range(24)
    ]
    Page.objects.filter(pk__in=[post.pk for post in posts[::5]]).update(first_published_at=None)

    for post in posts[:8]:
        post = BlogPostPage.objects.get(pk=post.pk)
        shown = list(post.categories.all())
        shared = BlogPostPage.categories.through.objects.filter(blogpostpage_id=OuterRef("pk"), category__in=shown)
        expected = (
            BlogPostPage.objects.live()
            .exclude(pk=post.pk)
            .annotate(shares=Exists(shared))
            .order_by("-shares", "-date", "-first_published_at", "-pk")
        )
        assert [p.pk for p in post.related_posts(shown)] == [p.pk for p in expected[:RELATED_POSTS_LIMIT]]


def test_only_posts_of_the_same_site(client, make_post, category, home_page):
    """Another site's posts (another home page with its own index) are never "Weitere Beiträge" here,
    even when they share the category and are newer; and the other way round."""
    from wagtail.models import Site

    from blog.factories import BlogIndexPageFactory, BlogPostPageFactory
    from home.models import HomePage

    post = make_post(title="Dieser Beitrag", date="2015-09-15", categories=[category])
    make_post(title="Gleiche Seite", date="2014-01-01")
    other_home = home_page.get_parent().add_child(instance=HomePage(title="Andere Seite", slug="andere-seite"))
    Site.objects.create(hostname="andere.example", port=80, root_page=other_home, site_name="Andere Seite")
    other_index = BlogIndexPageFactory(parent=other_home, slug="nachrichten")
    elsewhere = BlogPostPageFactory(
        parent=other_index, title="Andere Seite, gleiche Kategorie", date="2016-01-01", categories=[category]
    )

    assert related_titles(client, post) == ["Gleiche Seite"]
    html = BeautifulSoup(client.get(elsewhere.url, HTTP_HOST="andere.example").content, "html.parser")
    assert [a.get_text() for a in html.select(".related .post-card__title a")] == []
