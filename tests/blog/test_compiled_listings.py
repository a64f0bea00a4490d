"""The index's and archives' listings through core.compiled (issue 17) give what the ORM querysets give:
the same posts in the same order, the same total and counts, with and without a view restriction, on
the first pages (SQL kept per shape) and deep ones (compiled for their request only)."""

import datetime

import pytest
from bs4 import BeautifulSoup

from django.db import connection

from wagtail.models import PageViewRestriction

from blog.factories import BlogPostPageFactory, CategoryFactory, bulk_posts
from blog.listings import KEPT_PAGES, WindowCountPaginator
from blog.models import POSTS_PER_PAGE, BlogIndexPage, BlogPostTag, Category, PostTag, newest_posts_below
from comments.factories import PostCommentFactory
from comments.models import Status
from comments.templatetags.reader_tags import latest_comments_box


@pytest.fixture
def archive(blog_index, author, other_author, category, image):
    """Sixty bulk posts (2020) and a few made one by one: a subcategory, a tag, two months of 2015."""
    child = CategoryFactory(name="Vulkaneifel", slug="vulkaneifel", parent=category)
    bulk_posts(blog_index, 60, authors=[author], categories=[category], featured_image=image, prefix="masse")
    tag = PostTag.objects.create(name="Üxheim", slug="uexheim")
    made = [
        BlogPostPageFactory(
            parent=blog_index,
            title=f"Beitrag {number}",
            slug=f"beitrag-{number}",
            date=datetime.date(2015, 9 if number % 2 else 8, number + 1),
            authors=[other_author, author] if number % 2 else [other_author],
            categories=[child] if number % 3 else [child, category],
        )
        for number in range(6)
    ]
    for post in made[:4]:
        BlogPostTag.objects.create(content_object_id=post.pk, tag=tag)
    PostCommentFactory(post=made[1], status=Status.APPROVED, comment="Gelesen.")
    return {"index": BlogIndexPage.objects.get(pk=blog_index.pk), "tag": tag, "child": child, "made": made}


def routes(archive, author):
    """(the compiled listing, the ORM's queryset) of every route of the index."""
    index, tag = archive["index"], archive["tag"]
    category = archive["child"].parent
    ids = {f"category_{n}": pk for n, pk in enumerate(index.category_and_below(category))}
    return {
        "index": (index.listing("index"), index.posts()),
        "category": (index.listing("category", **ids), index.posts_in_category(category)),
        "tag": (index.listing("tag", tag=tag.pk), index.posts().filter(tagged_items__tag=tag)),
        "author": (index.listing("author", author=author.pk), index.posts().filter(post_authors__author=author)),
        "year": (
            index.listing("year", first_day=datetime.date(2015, 1, 1), last_day=datetime.date(2015, 12, 31)),
            index.posts().filter(date__year=2015),
        ),
        "month": (
            index.listing("month", first_day=datetime.date(2015, 9, 1), last_day=datetime.date(2015, 9, 30)),
            index.posts().filter(date__year=2015, date__month=9),
        ),
    }


def shown(page):
    return [
        (
            post.pk,
            post.title,
            post.date,
            post.comment_count,
            [category.pk for category in post.categories.all()],
            [author.pk for author in post.authors],
            post.featured_image_id,
            sorted(rendition.filter_spec for rendition in post.featured_image.renditions.all())
            if post.featured_image_id
            else [],
        )
        for post in page.object_list
    ], page.paginator.count


@pytest.mark.parametrize("restricted", [False, True])
def test_every_route_lists_what_the_orm_lists(archive, author, restricted):
    if restricted:
        # A login-only post leaves every listing, and the SQL is then built for the request.
        PageViewRestriction.objects.create(page=archive["made"][1], restriction_type=PageViewRestriction.LOGIN)
    for name, (listing, queryset) in routes(archive, author).items():
        pages = max(1, -(-WindowCountPaginator(queryset, POSTS_PER_PAGE).count // POSTS_PER_PAGE))
        for number in sorted({1, 2, KEPT_PAGES + 1, pages} & set(range(1, pages + 1))):
            compiled = shown(WindowCountPaginator(listing, POSTS_PER_PAGE).page(number))
            orm = shown(WindowCountPaginator(queryset, POSTS_PER_PAGE).page(number))
            assert compiled == orm, (name, number)
            assert compiled[0], (name, number)
            if restricted:
                assert archive["made"][1].pk not in [row[0] for row in compiled[0]]


def test_deep_pages_add_no_kept_sql(archive, author):
    listing = archive["index"].listing("index")
    WindowCountPaginator(listing, POSTS_PER_PAGE).page(1)
    kept = len(connection._core_compiled[1])
    WindowCountPaginator(listing, POSTS_PER_PAGE).page(KEPT_PAGES + 1)
    WindowCountPaginator(listing, POSTS_PER_PAGE).page(KEPT_PAGES + 2)
    assert len(connection._core_compiled[1]) == kept


def test_the_month_counts_are_what_the_orm_counts(client, archive):
    """The sidebar's months and category counts (SQL compiled per category tree) and its categories (read
    with the listing's union query) in the database's order."""
    html = BeautifulSoup(client.get("/beitraege/").content, "html.parser")
    sections = {section["id"]: section for section in html.select(".archive-sidebar__section[id]")}
    months = [item.get_text(" ", strip=True) for item in sections["archiv"].select("li")]
    assert months == ["Februar 2020 (29)", "Januar 2020 (31)", "September 2015 (3)", "August 2015 (3)"]
    categories = [item.get_text(" ", strip=True) for item in sections["kategorien"].select("a")]
    assert categories == ["Wirtschaft", "Vulkaneifel"]
    counts = [item.get_text(strip=True) for item in sections["kategorien"].select(".archive-sidebar__count")]
    assert counts == ["(66)", "(6)"]  # a parent counts its subcategory's posts (each once)


def test_sidebar_categories_come_in_the_databases_order(client, make_post):
    """Read with the listing's union query, the categories are ordered by the database, as Category's
    ordering has them (not by Python's sort: case and umlauts)."""
    names = ["apfel", "Ärger", "Zebra", "Bauern", "öko"]
    make_post(categories=[CategoryFactory(name=name) for name in names])
    html = BeautifulSoup(client.get("/beitraege/").content, "html.parser")
    shown_names = [a.get_text() for a in html.select("#kategorien a")]
    assert shown_names == [category.name for category in Category.objects.all()]


def test_home_features_an_older_post_first_and_skips_a_draft(home_page, blog_index, make_post, draft):
    older = make_post(title="Älterer Beitrag", date="2010-01-01")
    newer = [make_post(title=f"Neu {number}", date=f"2015-01-{number + 1:02d}") for number in range(12)]
    featured, latest = newest_posts_below(home_page, 9, older.pk)
    assert featured.pk == older.pk
    assert [post.pk for post in latest] == [post.pk for post in reversed(newer)][:9]
    featured, latest = newest_posts_below(home_page, 9, draft.pk)
    assert featured is None
    assert [post.pk for post in latest] == [post.pk for post in reversed(newer)][:9]
    assert newest_posts_below(home_page, 9, None)[1] == latest


def test_latest_comments_leave_out_restricted_posts_and_carry_no_address(blog_index, post, author):
    private = BlogPostPageFactory(parent=blog_index, title="Intern", slug="intern", authors=[author])
    made = {}
    for target, name in ((post, "Anna <b>"), (private, "Bernd")):
        made[name] = PostCommentFactory(post=target, user_name=name, status=Status.APPROVED, user_email="x@example.org")
    box = latest_comments_box()
    assert box.index("Bernd zu") < box.index("Anna &lt;b&gt; zu")  # newest first, names escaped
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    box = latest_comments_box()
    assert "Bernd" not in box and "Intern" not in box
    pk = made["Anna <b>"].pk
    assert (
        f'<li class="latest-comments__item">Anna &lt;b&gt; zu <a href="/kommentare/{pk}/">{post.title}</a></li>' in box
    )
    assert "example.org" not in box


def test_home_page_with_a_menu_asks_five_queries(client, home_page, blog_index, make_post, django_assert_num_queries):
    """Site, menu (with the "any view restriction?" flag and the post index), featured and latest posts,
    their authors, categories and renditions: the menu is read before the serving check."""
    blog_index.show_in_menus = True
    blog_index.save()
    post = make_post(title="Hervorgehoben", date="2010-01-01")
    make_post(title="Neu", date="2015-01-01")
    home_page.featured_post = post
    home_page.save()
    client.get("/")
    with django_assert_num_queries(5):
        html = client.get("/").content.decode()
    assert "Hervorgehoben" in html and "Neu" in html
