"""Issue 17's query budget for the post page with every cache empty: at most POST_PAGE_QUERIES, the same
for 0, 100 and 1,000 comments (nested to level 3, like the peers' workload) and for 11 or 1,011 posts,
with a menu and footer links to pages as on the real site.

Measured on PostgreSQL and SQLite: 6 (the site with its settings and home page; the menu and footer
pages with the post index; the post; its categories, authors and tags; the comments; related posts)."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from blog.factories import bulk_posts
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from core.models import SiteSettings
from home.models import StandardPage

POST_PAGE_QUERIES = 8


def add_comments(post, count, threaded=100):
    """`count` approved comments: the first `threaded` through the factory in threads of a comment and
    replies down to level 3, the rest as top-level comments saved directly (faster, already public)."""
    parent = None
    for number in range(min(count, threaded)):
        parent = PostCommentFactory(
            post=post, parent=parent if number % 4 else None, status=Status.APPROVED, comment=f"Kommentar {number}"
        )
    template = PostCommentFactory.build(post=post, status=Status.APPROVED, is_public=True)
    for number in range(count - threaded):
        template.pk = template.id = None
        template.comment_ptr_id = template.xtdcomment_ptr_id = None
        # A new thread each: xtd makes a comment with a parent id a reply (the parent id of the previous
        # save would otherwise make every one of them a reply to the first).
        template.thread_id = template.parent_id = template.level = 0
        template.order = 1
        template.comment = f"Kommentar in Menge {number}"
        template._state.adding = True
        template.save()


@pytest.fixture
def site_chrome(home_page):
    """A menu page and footer links to pages and to an address, as the demo site has them."""
    impressum = home_page.add_child(instance=StandardPage(title="Impressum", slug="impressum", show_in_menus=True))
    datenschutz = home_page.add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.footer_links = [
        ("link", {"label": "Impressum", "page": impressum, "url": ""}),
        ("link", {"label": "Datenschutz", "page": datenschutz, "url": ""}),
        ("link", {"label": "Verein", "page": None, "url": "https://verein.example.org/"}),
    ]
    settings.save()
    return settings


def queries_for(client, url):
    client.get(url)  # fills what is filled once (the comments' stored HTML, image renditions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="/impressum/"' in content and 'href="/datenschutz/"' in content  # menu and footer shown
    return len(queries)


@pytest.mark.django_db
def test_post_page_queries_do_not_grow_with_comments_or_posts(client, post, blog_index, author, category, site_chrome):
    client.cookies["bench"] = "uncached"  # any cookie: the page cache steps aside
    counts = {}
    for size in (0, 100, 1000):
        if size:
            add_comments(post, size, threaded=100) if size == 100 else add_comments(post, size - 100, threaded=0)
        counts[f"{size} comments"] = queries_for(client, post.url)
    assert PostComment.objects.filter(is_public=True).count() == 1000
    bulk_posts(blog_index, 10, authors=[author], categories=[category], prefix="weitere")
    counts["11 posts"] = queries_for(client, post.url)
    bulk_posts(blog_index, 1000, authors=[author], categories=[category], prefix="noch-einer")
    counts["1,011 posts"] = queries_for(client, post.url)
    assert "Beitrag noch-einer" in client.get(post.url).content.decode()  # "Weitere Beiträge" shows them

    assert set(counts.values()) == {counts["0 comments"]}, counts
    assert counts["0 comments"] <= POST_PAGE_QUERIES


@pytest.mark.django_db
def test_post_page_query_budget_holds_for_a_reader_with_a_held_comment(client, post, post_comment):
    add_comments(post, 100)
    post_comment(post, comment="Mein eigener wartender Kommentar")  # sets the preview cookie
    client.get(post.url)  # the landing after sending (its message) and the first fill of the stored HTML
    with CaptureQueriesContext(connection) as queries:
        content = client.get(post.url).content.decode()
    assert "Mein eigener wartender Kommentar" in content

    # The preview adds the reader's own comment to the same one query; nothing else.
    assert len(queries) <= POST_PAGE_QUERIES


@pytest.mark.django_db
def test_a_later_page_and_another_order_of_threads_cost_what_the_first_page_costs(client, post, settings, site_chrome):
    from comments import lifecycle

    settings.COMMENTS_THREADS_PER_PAGE = 50
    client.cookies["bench"] = "uncached"
    add_comments(post, 300, threaded=100)  # 25 threads with replies, then 200 top-level comments: 5 pages
    for comment in PostComment.objects.filter(is_public=True).order_by("-pk")[:3]:
        lifecycle.recommend(comment, True)
    counts = {
        url: queries_for(client, post.url + url)
        for url in ("", "?seite=2", "?seite=5", "?kommentare=neueste", "?kommentare=empfohlen&seite=3")
    }
    # The check of the page number before rendering shares the section's one query for the comments.
    assert set(counts.values()) == {counts[""]}, counts
    assert counts[""] <= POST_PAGE_QUERIES
