"""Listing and post pages run a bounded number of queries, whatever the number of posts, authors and categories."""

import pytest

from blog.factories import AuthorFactory, CategoryFactory


@pytest.fixture
def populate(make_post, image):
    """`populate(n)`: n live posts, each with two of n authors, two of n categories and a featured image."""

    def make(count):
        authors = [AuthorFactory() for _ in range(count)]
        categories = [CategoryFactory() for _ in range(count)]
        posts = [
            make_post(
                date=f"2015-{(number % 12) + 1:02d}-{(number % 28) + 1:02d}",
                authors=[authors[number], authors[(number + 1) % count]],
                categories=[categories[number], categories[(number + 1) % count]],
                featured_image=image,
            )
            for number in range(count)
        ]
        return posts, authors, categories

    return make


def count_queries(client, url, django_assert_max_num_queries, budget):
    client.get(url)  # renditions are created on the first view; the budget is for the views after it
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [3, 30])
def test_pages_stay_within_their_query_budget_at_any_size(client, populate, django_assert_max_num_queries, count):
    posts, authors, categories = populate(count)
    post = posts[0]
    # Measured (SQLite, 3 and 30 posts alike): home 16, index 21, post 27 (2 of them the comments'),
    # archives 22, feed 12, search 19. The budgets leave a little room and no room for a query per post.
    # The sidebar's "Neueste Kommentare" box adds two (the newest comments, their posts) to the index,
    # the archives and the search.
    urls = {
        "/": 20,
        "/beitraege/": 27,
        post.url: 35,
        f"/beitraege/kategorie/{categories[1].slug}/": 27,
        f"/beitraege/autor/{authors[1].slug}/": 27,
        f"/beitraege/{post.date:%Y}/{post.date:%m}/": 27,
        "/beitraege/feed/": 15,
        "/beitraege/suche/?q=Beitrag": 27,
    }
    for url, budget in urls.items():
        count_queries(client, url, django_assert_max_num_queries, budget)


def test_query_count_does_not_grow_with_the_number_of_posts(client, populate, django_assert_max_num_queries):
    posts, authors, categories = populate(3)
    small = {
        url: count_queries(client, url, django_assert_max_num_queries, 40) for url in ["/", "/beitraege/", posts[0].url]
    }
    populate(30)
    large = {
        url: count_queries(client, url, django_assert_max_num_queries, 40) for url in ["/", "/beitraege/", posts[0].url]
    }

    assert large == small
