"""Archives per category, author, year and month, the search, and pagination: exactly the right posts."""

import pytest
from bs4 import BeautifulSoup

from blog.factories import BlogPostPageFactory


def listed_titles(response):
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in html.select(".post-list .post-card__title a")]


def heading(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text()


@pytest.fixture
def archive_posts(make_post, author, other_author, category, other_category, draft, scheduled_post):
    """Four live posts across two authors, two categories and two months, plus a draft and a scheduled post."""
    return {
        "wirtschaft_sept": make_post(
            title="Wirtschaft im September", date="2015-09-15", authors=[author], categories=[category]
        ),
        "kultur_sept": make_post(
            title="Kultur im September", date="2015-09-03", authors=[other_author], categories=[other_category]
        ),
        "both_aug": make_post(
            title="Beides im August",
            date="2015-08-20",
            authors=[author, other_author],
            categories=[category, other_category],
        ),
        "none_2014": make_post(title="Ohne Kategorie 2014", date="2014-12-24", authors=[other_author]),
    }


def test_category_archive_lists_exactly_its_live_posts(client, archive_posts):
    response = client.get("/beitraege/kategorie/wirtschaft/")

    assert listed_titles(response) == ["Wirtschaft im September", "Beides im August"]
    assert heading(response) == "Kategorie: Wirtschaft"


def test_author_archive_lists_exactly_the_authors_live_posts(client, archive_posts):
    response = client.get("/beitraege/autor/maria-weber/")

    assert listed_titles(response) == ["Kultur im September", "Beides im August", "Ohne Kategorie 2014"]
    assert heading(response) == "Beiträge von Maria Weber"


def test_month_archive_lists_exactly_that_months_posts(client, archive_posts):
    response = client.get("/beitraege/2015/09/")

    assert listed_titles(response) == ["Wirtschaft im September", "Kultur im September"]
    assert heading(response) == "Archiv: September 2015"


def test_year_archive_lists_exactly_that_years_posts(client, archive_posts):
    response = client.get("/beitraege/2014/")

    assert listed_titles(response) == ["Ohne Kategorie 2014"]
    assert heading(response) == "Archiv: 2014"


def test_no_archive_lists_drafts_or_scheduled_posts(client, archive_posts, scheduled_post):
    assert not scheduled_post.live
    for url in [
        "/beitraege/",
        "/beitraege/kategorie/wirtschaft/",
        "/beitraege/autor/klaus-schaefer/",
        "/beitraege/2015/",
        "/",
    ]:
        content = client.get(url).content.decode()
        assert "Ein Entwurf" not in content, url
        assert "Erscheint morgen" not in content, url


def test_drafts_and_scheduled_posts_are_not_served_to_readers(client, draft, scheduled_post):
    assert client.get("/beitraege/entwurf/").status_code == 404
    assert client.get("/beitraege/erscheint-morgen/").status_code == 404


def test_unknown_category_author_or_month_is_a_german_404(client, archive_posts):
    for url in ["/beitraege/kategorie/gibt-es-nicht/", "/beitraege/autor/niemand/", "/beitraege/2015/13/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Seite nicht gefunden" in response.content.decode()


def test_index_shows_ten_posts_a_page_with_german_pagination(client, blog_index):
    for day in range(1, 24):
        BlogPostPageFactory(parent=blog_index, title=f"Beitrag vom {day}.", date=f"2015-03-{day:02d}")

    first = client.get("/beitraege/")
    third = client.get("/beitraege/?seite=3")

    assert listed_titles(first)[:2] == ["Beitrag vom 23.", "Beitrag vom 22."]
    assert len(listed_titles(first)) == 10
    assert listed_titles(third) == ["Beitrag vom 3.", "Beitrag vom 2.", "Beitrag vom 1."]
    first_html = BeautifulSoup(first.content, "html.parser")
    assert first_html.select_one(".pagination__item--current").get_text() == "Seite 1 von 3"
    assert first_html.select_one('a[rel="next"]').get_text(strip=True) == "Ältere Beiträge →"
    assert first_html.select_one('a[rel="next"]')["href"] == "?seite=2"
    third_html = BeautifulSoup(third.content, "html.parser")
    assert third_html.select_one('a[rel="prev"]').get_text(strip=True) == "← Neuere Beiträge"
    assert third_html.select_one('link[rel="canonical"]')["href"] == "http://testserver/beitraege/?seite=3"


def test_archives_are_paginated_too(client, blog_index, category):
    for day in range(1, 13):
        BlogPostPageFactory(
            parent=blog_index, title=f"Wirtschaft {day}", date=f"2015-04-{day:02d}", categories=[category]
        )

    assert len(listed_titles(client.get("/beitraege/kategorie/wirtschaft/"))) == 10
    assert listed_titles(client.get("/beitraege/kategorie/wirtschaft/?seite=2")) == ["Wirtschaft 2", "Wirtschaft 1"]


@pytest.mark.parametrize("page", ["99", "abc", "0"])
def test_page_number_out_of_range_is_404_not_500(client, post, page):
    assert client.get(f"/beitraege/?seite={page}").status_code == 404


def test_sidebar_links_every_month_and_category_with_posts(client, archive_posts):
    html = BeautifulSoup(client.get("/beitraege/").content, "html.parser")
    sidebar = html.select_one(".archive-sidebar")

    month_links = [a["href"] for a in sidebar.find_all("a") if "/beitraege/20" in a["href"]]
    assert month_links == ["/beitraege/2015/09/", "/beitraege/2015/08/", "/beitraege/2014/12/"]
    assert "September 2015" in sidebar.get_text()
    category_text = sidebar.get_text(" ", strip=True)
    assert "Kultur (2)" in category_text
    assert "Wirtschaft (2)" in category_text


def test_search_finds_live_posts_only(client, make_post, draft):
    make_post(title="Radweg auf alter Bahntrasse", intro="Fahrräder statt Züge.")
    make_post(title="Maarfest", intro="Musik am Wasser.")

    response = client.get("/beitraege/suche/", {"q": "Radweg"})

    assert listed_titles(response) == ["Radweg auf alter Bahntrasse"]
    assert "Entwurf" not in listed_titles(client.get("/beitraege/suche/", {"q": "Entwurf"}))


def test_search_keeps_the_query_and_works_without_one(client, post):
    response = client.get("/beitraege/suche/", {"q": "<b>Eifel</b>"})
    html = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 200
    assert html.select_one("#search-page-query")["value"] == "<b>Eifel</b>"
    assert b"<b>Eifel</b>" not in response.content
    assert client.get("/beitraege/suche/").status_code == 200


def test_a_parent_categorys_archive_and_feed_list_the_posts_of_its_subcategories_once(
    client, make_post, category, other_category
):
    from blog.factories import CategoryFactory

    region = CategoryFactory(name="Region", slug="region")
    category.parent = region
    category.save()
    other_category.parent = category  # Region → Wirtschaft → Kultur
    other_category.save()
    make_post(title="Direkt in der Region", date="2015-09-20", categories=[region])
    make_post(title="In der Unterkategorie", date="2015-09-10", categories=[category])
    make_post(title="Zwei Ebenen tiefer und doppelt", date="2015-09-05", categories=[other_category, region])
    make_post(title="Anderswo", date="2015-09-01")

    assert listed_titles(client.get("/beitraege/kategorie/region/")) == [
        "Direkt in der Region",
        "In der Unterkategorie",
        "Zwei Ebenen tiefer und doppelt",
    ]
    assert listed_titles(client.get("/beitraege/kategorie/wirtschaft/")) == [
        "In der Unterkategorie",
        "Zwei Ebenen tiefer und doppelt",
    ]
    feed = client.get("/beitraege/kategorie/region/feed/").content.decode()
    assert feed.count("<item>") == 3
    assert "Anderswo" not in feed


def test_a_category_cannot_be_put_below_itself_or_its_subcategories(category, other_category):
    from django.core.exceptions import ValidationError

    other_category.parent = category
    other_category.save()
    category.parent = other_category
    with pytest.raises(ValidationError) as error:
        category.full_clean()
    assert "unter sich selbst" in str(error.value)
    category.parent = category
    with pytest.raises(ValidationError):
        category.full_clean()


def test_the_admin_offers_the_parent_and_refuses_a_cycle_in_german(admin_client, category, other_category):
    from django.urls import reverse

    other_category.parent = category
    other_category.save()
    url = reverse("wagtailsnippets_blog_category:edit", args=[category.pk])
    assert 'name="parent"' in admin_client.get(url).content.decode()
    data = {"name": category.name, "slug": category.slug, "description": "", "parent": other_category.pk}
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "Eine Kategorie kann nicht unter sich selbst" in response.content.decode()
    category.refresh_from_db()
    assert category.parent is None
    # A valid parent is saved.
    response = admin_client.post(
        reverse("wagtailsnippets_blog_category:edit", args=[other_category.pk]),
        {
            "name": other_category.name,
            "slug": other_category.slug,
            "description": "",
            "parent": "",
        },
    )
    assert response.status_code == 302


def test_the_sidebar_nests_subcategories_and_counts_what_their_archives_list(
    client, make_post, category, other_category
):
    from blog.factories import CategoryFactory

    region = CategoryFactory(name="Region", slug="region")
    category.parent = region  # Region → Wirtschaft
    category.save()
    make_post(title="Region direkt", categories=[region])
    make_post(title="Wirtschaft und Region", categories=[category, region])
    make_post(title="Nur Kultur", categories=[other_category])

    html = BeautifulSoup(client.get("/beitraege/").content, "html.parser")
    section = html.select_one(".archive-sidebar__section")
    top = [li.a.get_text() for li in section.select(":scope > ul > li")]
    assert top == ["Kultur", "Region"]
    region_item = next(li for li in section.select(":scope > ul > li") if li.a.get_text() == "Region")
    assert region_item.select_one(".archive-sidebar__count").get_text() == "(2)"  # each post once
    nested = region_item.select("ul > li")
    assert [li.a.get_text() for li in nested] == ["Wirtschaft"]
    assert nested[0].select_one(".archive-sidebar__count").get_text() == "(1)"
    # The count is what the archive lists.
    assert len(listed_titles(client.get("/beitraege/kategorie/region/"))) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/beitraege/0000/",
        "/beitraege/0000/01/",
        "/beitraege/0001/",
        "/beitraege/0001/01/",
        "/beitraege/0999/",
        "/beitraege/0999/12/",
        "/beitraege/0500/7/",
    ],
)
def test_archive_of_a_year_before_1000_is_a_german_404(client, post, url):
    """No post can be dated before the year 1000, so these archives are empty by definition; year 0
    is not even a date in Python."""
    response = client.get(url)

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.parametrize(
    ("date", "urls"),
    [
        ("1000-01-15", ["/beitraege/1000/", "/beitraege/1000/01/"]),
        ("9999-12-15", ["/beitraege/9999/", "/beitraege/9999/12/"]),
    ],
)
def test_archives_of_the_first_and_last_four_digit_years_answer(client, make_post, date, urls):
    make_post(title="Am Rand der Zeit", date=date)
    for url in urls:
        response = client.get(url)

        assert response.status_code == 200
        assert listed_titles(response) == ["Am Rand der Zeit"]


@pytest.mark.parametrize("url", ["/beitraege/1000/", "/beitraege/2019/", "/beitraege/2019/05/"])
def test_archives_of_a_time_without_posts_are_not_found(client, post, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_a_post_cannot_be_dated_before_the_year_1000(make_post):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        make_post(date="0999-12-31")

    assert refused.value.message_dict["date"] == ["Bitte ein Datum ab dem Jahr 1000 wählen."]
    make_post(date="1000-01-01")
