"""core.compiled: SQL compiled once per connection and shape gives exactly what the ORM gives, for each of
the post page's hot queries (the ORM's form, values inline, written out here as the code had it), on
SQLite and PostgreSQL; and the cache is keyed on what the SQL depends on."""

import datetime
from unittest import mock

import pytest

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.sql.compiler import SQLCompiler
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, Site

from blog.factories import AuthorFactory, BlogPostPageFactory, CategoryFactory
from blog.models import (
    RELATED_POST_FIELDS,
    BlogPostAuthor,
    BlogPostPage,
    BlogPostTag,
    Category,
    _categories_authors_tags_query,
    _related_posts_query,
)
from comments.factories import PostCommentFactory
from comments.models import PostComment, Status
from comments.threads import DISPLAYED_FIELDS, _public_comments_query, as_instances, visible_comments
from core import compiled, loading
from core.restrictions import with_restrictions_flag
from core.sites import _site_candidates_query
from home.models import StandardPage, _child_post_query
from home.navigation import _index_relation, _navigation_query


def snapshot(instance, depth=0):
    """An instance as loaded: class, attributes, state and, recursively, the objects select_related set."""
    if instance is None or depth > 3:
        return instance
    fields = {key: value for key, value in instance.__dict__.items() if key != "_state"}
    related = {name: snapshot(value, depth + 1) for name, value in instance._state.fields_cache.items()}
    return type(instance), fields, instance._state.adding, instance._state.db, related


@pytest.fixture(autouse=True)
def fresh_cache():
    compiled._forget_all()


@pytest.fixture
def rich_post(post, blog_index, author, category):
    """The post with a second author and category, tags, other posts sharing a category or not, public and
    held comments, a menu page and a footer page."""
    second_author = AuthorFactory(name="Anna Berg", slug="anna-berg")
    BlogPostAuthor.objects.create(page=post, author=second_author, sort_order=1)
    other_category = CategoryFactory(name="Kultur", slug="kultur")
    post.categories.add(other_category)
    post.tags.add("Üxheim", "Hillesheim")
    post.save()
    BlogPostPageFactory(parent=blog_index, slug="gleiche-kategorie", categories=[category])
    BlogPostPageFactory(parent=blog_index, slug="andere-kategorie")
    BlogPostPageFactory(parent=blog_index, slug="entwurf", live=False, categories=[category])
    first = PostCommentFactory(post=post, status=Status.APPROVED, user_url="https://eifel.example")
    PostCommentFactory(post=post, parent=first, status=Status.APPROVED)
    PostCommentFactory(post=post, status=Status.PENDING)
    home = blog_index.get_parent()
    home.add_child(instance=StandardPage(title="Impressum", slug="impressum", show_in_menus=True))
    home.add_child(instance=StandardPage(title="Datenschutz", slug="datenschutz"))
    return post


def test_the_comments_as_the_orm_loads_them_and_never_the_e_mail(rich_post):
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    orm = (
        PostComment.norel_objects.filter(Q(is_public=True), content_type=content_type, object_pk=str(rich_post.pk))
        .order_by("thread_id", "order")
        .values_list(*DISPLAYED_FIELDS)
    )

    rows = compiled.run(_public_comments_query, content_type=content_type.pk, object_pk=str(rich_post.pk))

    assert rows == list(orm) and len(rows) == 2
    assert "user_email" not in connection._core_compiled[1][(_public_comments_query, ())].sql
    rows = visible_comments(None, rich_post, ())
    assert all(not hasattr(row, "user_email") for row in rows)
    comments = as_instances(rows)
    expected = loading.load_only(
        PostComment.norel_objects.filter(
            Q(is_public=True), content_type=content_type, object_pk=str(rich_post.pk)
        ).order_by("thread_id", "order"),
        DISPLAYED_FIELDS,
    )
    assert list(map(snapshot, comments)) == list(map(snapshot, expected))
    assert all("user_email" in comment.get_deferred_fields() for comment in comments)


def test_the_site_candidates_as_the_orm_loads_them(rich_post):
    Site.objects.create(hostname="other.example", port=8080, root_page=rich_post.get_parent(), site_name="Andere")
    relations = ("root_page__homepage", "sitesettings", "commentsettings")
    for hostname in ("testserver", "other.example", "unknown.example"):
        orm = (
            Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True))
            .order_by()
            .select_related("root_page", *relations)
        )
        rows = compiled.run(_site_candidates_query, (relations,), hostname=hostname)
        assert sorted(map(snapshot, rows), key=repr) == sorted(map(snapshot, orm), key=repr)
        assert rows


def test_the_navigation_as_the_orm_loads_it(rich_post):
    home = rich_post.get_parent().get_parent()
    footer_ids = list(Page.objects.filter(slug__in=["datenschutz", "impressum"]).values_list("pk", flat=True))
    for route_slug in ("", "beitraege", "impressum", "gibt-es-nicht"):
        for ids in ([], footer_ids[:1], footer_ids):
            children = Q(path__startswith=home.path, depth=home.depth + 1)
            wanted = (children & Q(live=True, show_in_menus=True)) | Q(pk__in=ids)
            if route_slug:
                wanted |= children & Q(slug=route_slug)
            orm = with_restrictions_flag(Page.objects.filter(wanted).select_related(_index_relation()).order_by("path"))
            values = {f"footer_{position}": page_id for position, page_id in enumerate(ids)}
            if route_slug:
                values["route_slug"] = route_slug
            rows = compiled.run(
                _navigation_query,
                (len(ids), bool(route_slug)),
                home_path=home.path,
                child_depth=home.depth + 1,
                **values,
            )
            assert list(map(snapshot, rows)) == list(map(snapshot, orm))


def test_the_post_route_as_wagtail_finds_it(rich_post, blog_index):
    for slug in ("ein-beitrag", "gleiche-kategorie", "entwurf", "gibt-es-nicht", "beitraege"):
        orm = BlogPostPage.objects.child_of(blog_index).filter(slug=slug).first()
        rows = compiled.run(
            _child_post_query,
            parent_path=blog_index.path,
            parent_depth=blog_index.depth,
            parent_pk=blog_index.pk,
            slug=slug,
        )
        assert snapshot(rows[0] if rows else None) == snapshot(orm)
    # Not below another page of the same slug prefix: the parent's own path is matched, escaped.
    home = blog_index.get_parent()
    assert (
        compiled.run(
            _child_post_query, parent_path=home.path, parent_depth=home.depth, parent_pk=home.pk, slug="ein-beitrag"
        )
        == []
    )


def test_the_categories_authors_and_tags_as_the_union_loads_them(rich_post):
    post = rich_post
    orm = (
        Category.objects.filter(posts=post)
        .values_list(Value(0), "pk", "name", "slug", Value(0))
        .order_by()
        .union(
            BlogPostAuthor.objects.filter(page=post)
            .values_list(Value(1), "author_id", "author__name", "author__slug", "sort_order")
            .order_by(),
            BlogPostTag.objects.filter(content_object=post)
            .values_list(Value(2), "tag_id", "tag__name", "tag__slug", Value(0))
            .order_by(),
            all=True,
        )
    )
    rows = compiled.run(_categories_authors_tags_query, post=post.pk)
    assert sorted(rows) == sorted(orm) and len(rows) == 6


def test_related_posts_as_the_orm_orders_them(rich_post, category):
    def orm(categories, limit):
        others = (
            BlogPostPage.objects.live()
            .public()
            .descendant_of(rich_post.get_parent().get_parent())
            .exclude(pk=rich_post.pk)
            .only(*RELATED_POST_FIELDS)
        )
        ordering = ("-date", "-first_published_at", "-pk")
        if categories:
            shared = BlogPostPage.categories.through.objects.filter(
                blogpostpage_id=OuterRef("pk"), category_id__in=[c.pk for c in categories]
            )
            others = others.annotate(shares_category=Exists(shared)).order_by("-shares_category", *ordering)
        else:
            others = others.order_by(*ordering)
        return list(others[:limit])

    for categories in ([], [category], list(rich_post.categories.all())):
        for limit in (1, 5):
            values = {f"category_{position}": c.pk for position, c in enumerate(categories)}
            rows = compiled.run(
                _related_posts_query,
                (len(categories), limit, True),
                post=rich_post.pk,
                home_path=rich_post.home_path,
                **values,
            )
            assert list(map(snapshot, rows)) == list(map(snapshot, orm(categories, limit)))
            assert list(map(snapshot, rich_post.related_posts(categories, limit))) == list(map(snapshot, rows))


def test_related_posts_leave_out_restricted_pages(rich_post, category):
    hidden = BlogPostPage.objects.get(slug="gleiche-kategorie")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    related = rich_post.related_posts([category])
    assert hidden.pk not in [post.pk for post in related] and related


def test_compiled_once_then_run_with_new_values(rich_post, blog_index):
    arguments = {"parent_path": blog_index.path, "parent_depth": blog_index.depth, "parent_pk": blog_index.pk}
    compiled.run(_child_post_query, slug="ein-beitrag", **arguments)
    compiled_again = mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled again"))
    with compiled_again, CaptureQueriesContext(connection) as queries:
        found = compiled.run(_child_post_query, slug="gleiche-kategorie", **arguments)
    assert [post.slug for post in found] == ["gleiche-kategorie"]
    assert len(queries) == 1  # logged like any query (budgets, debug toolbar)


def test_a_changed_setting_forgets_every_compiled_query(rich_post, blog_index):
    arguments = {"parent_path": blog_index.path, "parent_depth": blog_index.depth, "parent_pk": blog_index.pk}
    compiled.run(_child_post_query, slug="ein-beitrag", **arguments)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        compiled.run(_child_post_query, slug="ein-beitrag", **arguments)
        assert as_sql.call_count == 0
        with override_settings(TIME_ZONE="UTC"):
            found = compiled.run(_child_post_query, slug="ein-beitrag", **arguments)
        assert as_sql.call_count >= 1
    assert [post.pk for post in found] == [rich_post.pk]


def test_a_prefix_with_like_wildcards_is_matched_literally(home_page):
    for number, title in enumerate(("a_b", "axb", "a%c", "A_B", "a\\d")):
        home_page.add_child(instance=StandardPage(title=title, slug=f"seite-{number}"))

    def build():
        title = compiled.Param("prefix", Page._meta.get_field("title"))
        return Page.objects.filter(title__startswith=title).values_list("title", flat=True)

    for prefix in ("a_", "a%", "ax", "a", "a\\", "A_"):
        assert sorted(compiled.run(build, prefix=prefix)) == sorted(
            Page.objects.filter(title__startswith=prefix).values_list("title", flat=True)
        )


def test_no_placeholder_stands_for_null(blog_index):
    with pytest.raises(ValueError, match="never means NULL"):
        compiled.run(
            _child_post_query, parent_path=blog_index.path, parent_depth=blog_index.depth, parent_pk=None, slug="x"
        )


def test_what_it_cannot_do_the_same_it_refuses(db):
    with pytest.raises(TypeError, match="prefetch_related"):
        compiled.run(lambda: Site.objects.prefetch_related("root_page"))
    with pytest.raises(TypeError, match="ValuesIterable"):
        compiled.run(lambda: Site.objects.values("hostname"))


def test_an_empty_in_list_asks_nothing(db):
    def build():
        return Page.objects.filter(pk__in=[])

    with CaptureQueriesContext(connection) as queries:
        assert compiled.run(build) == []
    assert len(queries) == 0


def same_values(rows, expected):
    """Equal and of the same kind, datetimes with the same tzinfo object (not only the same instant)."""
    assert len(rows) == len(expected)
    for row, expected_row in zip(rows, expected, strict=True):
        assert row == tuple(expected_row)
        for value, expected_value in zip(row, expected_row, strict=True):
            assert type(value) is type(expected_value)
            assert getattr(value, "tzinfo", None) is getattr(expected_value, "tzinfo", None)


def test_dates_come_as_django_loads_them(rich_post):
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    PostComment.objects.filter(object_pk=str(rich_post.pk)).update(edited_at=timezone.now())
    orm = (
        PostComment.norel_objects.filter(Q(is_public=True), content_type=content_type, object_pk=str(rich_post.pk))
        .order_by("thread_id", "order")
        .values_list(*DISPLAYED_FIELDS)
    )
    rows = compiled.run(_public_comments_query, content_type=content_type.pk, object_pk=str(rich_post.pk))
    same_values(rows, list(orm))
    if connection.vendor != "postgresql":
        return
    # A session in another time zone: psycopg's loader would give that zone, so Django's loader stays.
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Berlin'")
    try:
        rows = compiled.run(_public_comments_query, content_type=content_type.pk, object_pk=str(rich_post.pk))
        same_values(rows, list(orm.all()))
        assert rows[0][DISPLAYED_FIELDS.index("submit_date")].tzinfo is datetime.UTC
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")


def test_related_posts_of_an_unsaved_post_leave_nothing_out(rich_post, category):
    preview = BlogPostPage(title="Noch nicht gespeichert", slug="vorschau")
    expected = list(
        BlogPostPage.objects.live()
        .exclude(pk=None)
        .only(*RELATED_POST_FIELDS)
        .annotate(
            shares_category=Exists(
                BlogPostPage.categories.through.objects.filter(
                    blogpostpage_id=OuterRef("pk"), category_id__in=[category.pk]
                )
            )
        )
        .order_by("-shares_category", "-date", "-first_published_at", "-pk")[:5]
    )
    assert list(map(snapshot, preview.related_posts([category]))) == list(map(snapshot, expected))
    assert rich_post.pk in [post.pk for post in expected]
