"""Shared template fragments (`{% sharedcache %}`, core/templatetags/shared_cache.py, docs/caching.md).

Pages the full-page cache does not serve (logged-in users, a reader with a held-comment preview, any
request with a cookie) are rendered, but the expensive shared parts of a post come from the cache.
Every request here carries a cookie, so the full-page cache steps aside and only the fragments act.
"""

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings

from blog.factories import AuthorFactory, BlogPostPageFactory
from comments.factories import PostCommentFactory, form_data
from comments.models import PostComment, Status
from core.cache import invalidate

from .conftest import rendered_client

pytestmark = pytest.mark.usefixtures("shared_caches")


def approved_comment(post, text, name="Hans Leser"):
    return PostCommentFactory(post=post, user_name=name, comment=text, status=Status.APPROVED)


def thread_of(html):
    """The comment thread part of a post page (the form after it differs per request: timestamp)."""
    start = html.index('id="kommentare-titel"')
    return html[start : html.index('id="kommentieren"', start)]


def test_a_second_rendering_takes_the_thread_and_related_posts_from_the_cache(post, django_assert_max_num_queries):
    for number in range(5):
        approved_comment(post, f"Kommentar Nummer {number}")
    first = rendered_client().get(post.url)
    assert first.status_code == 200
    assert first["X-Cache"] == "BYPASS"
    # Warm: Wagtail's routing and privacy check, site settings, comment rules; no comment, author,
    # category, menu or related-posts query.
    with django_assert_max_num_queries(12) as queries:
        second = rendered_client().get(post.url)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_comments" not in sql
    assert "blog_author" not in sql
    assert "blog_category" not in sql
    assert thread_of(second.content.decode()) == thread_of(first.content.decode())
    assert "Kommentar Nummer 4" in second.content.decode()


def test_an_approved_comment_shows_on_rendered_pages_at_once(post, django_capture_on_commit_callbacks):
    from comments import lifecycle

    rendered_client().get(post.url)
    comment = PostCommentFactory(post=post, user_name="Spät Freigegeben", comment="Erst nach der Moderation sichtbar.")
    assert "Erst nach der Moderation sichtbar." not in rendered_client().get(post.url).content.decode()
    moderator = get_user_model().objects.create_superuser("mod", "mod@example.org", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.apply(comment, "approve", moderator)
    html = rendered_client().get(post.url).content.decode()
    assert "Erst nach der Moderation sichtbar." in html
    assert "Ein Kommentar" in html


def test_a_readers_held_comment_is_never_put_into_the_shared_thread(post, client):
    approved_comment(post, "Ein öffentlicher Kommentar.")
    rendered_client().get(post.url)  # the shared thread, without the held comment
    response = client.post(
        "/kommentare/senden/",
        form_data(post, comment="Nur ich sehe das, bis es freigegeben ist."),
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 303
    assert PostComment.objects.filter(is_public=False).count() == 1
    # The reader who wrote it sees it (their preview cookie), despite the shared thread in the cache ...
    own = client.get(post.url).content.decode()
    assert "Nur ich sehe das, bis es freigegeben ist." in own
    assert "Ein öffentlicher Kommentar." in own
    # ... and rendering it for them stored nothing that others get.
    for other in (rendered_client(), Client()):
        html = other.get(post.url).content.decode()
        assert "Nur ich sehe das" not in html
        assert "Ein öffentlicher Kommentar." in html


def test_publishing_a_new_revision_renders_the_article_anew(post, committed):
    rendered_client().get(post.url)
    post.title = "Korrigierter Titel des Beitrags"
    post.intro = "Ein korrigierter Vorspann."
    with committed():
        post.save_revision().publish()
    html = rendered_client().get(post.url).content.decode()
    assert "Korrigierter Titel des Beitrags" in html
    assert "Ein korrigierter Vorspann." in html


def test_a_preview_never_uses_nor_fills_the_shared_fragments(post, admin_client, blog_index):
    from django.urls import reverse

    from blog.factories import post_form

    rendered_client().get(post.url)  # the live article is in the cache
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(post.pk,))
    draft = post_form(
        post.authors[0],
        AuthorFactory(),
        list(post.categories.all()),
        post=post,
        title="Nur im Entwurf: neuer Titel",
        slug=post.slug,
        intro="Ein Vorspann, den nur die Redaktion sieht.",
    )
    assert admin_client.post(preview_url, draft).json()["is_valid"] is True
    preview = admin_client.get(preview_url).content.decode()
    # The editor sees the draft, not the live article from the cache ...
    assert "Ein Vorspann, den nur die Redaktion sieht." in preview
    # ... and readers still get the live article: the preview left nothing behind for them.
    html = rendered_client().get(post.url).content.decode()
    assert post.title in html
    assert "Nur im Entwurf" not in html
    assert "den nur die Redaktion sieht" not in html


def test_a_category_renamed_shows_in_the_article_and_in_other_posts_related_lists(
    post, blog_index, category, committed
):
    other = BlogPostPageFactory(parent=blog_index, title="Ein anderer Beitrag", slug="anderer", categories=[category])
    rendered_client().get(post.url)
    rendered_client().get(other.url)
    category.name = "Umbenannte Kategorie"
    with committed():
        category.save()
    for page in (post, other):
        assert "Umbenannte Kategorie" in rendered_client().get(page.url).content.decode()


def test_a_new_post_leaves_other_articles_cached_but_an_unpublished_one_leaves_them_at_once(
    post, blog_index, category, committed
):
    """A new post re-renders the listings, not every article ("Weitere Beiträge" takes it in when the cached
    copy expires); a post that goes offline disappears at once from every page that showed it."""
    with committed():
        shown = BlogPostPageFactory(parent=blog_index, title="Schon verlinkt", slug="verlinkt", categories=[category])
    assert "Schon verlinkt" in rendered_client().get(post.url).content.decode()
    with committed():
        BlogPostPageFactory(parent=blog_index, title="Ganz neu", slug="ganz-neu", categories=[category])
    assert "Ganz neu" not in rendered_client().get(post.url).content.decode()
    assert "Ganz neu" in rendered_client().get(blog_index.url).content.decode()
    with committed():
        shown.unpublish()
    assert "Schon verlinkt" not in rendered_client().get(post.url).content.decode()


def test_each_site_gets_its_own_fragments(post, home_page):
    from wagtail.models import Site

    from core.models import SiteSettings

    Site.objects.create(hostname="zweite.example", port=80, root_page=home_page, site_name="Zweite")
    SiteSettings.objects.update_or_create(
        site=Site.objects.get(hostname="zweite.example"), defaults={"site_name": "Die zweite Seite"}
    )
    first = rendered_client().get(post.url).content.decode()
    second = rendered_client().get(post.url, HTTP_HOST="zweite.example").content.decode()
    assert "Die zweite Seite" in second
    assert "Die zweite Seite" not in first


def test_fragments_are_off_when_their_lifetime_is_zero(post, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    rendered_client().get(post.url)
    assert not [key for key in cache._cache if ":fragment:" in key]
    settings.FRAGMENT_CACHE_SECONDS = 600
    rendered_client().get(post.url)
    assert [key for key in cache._cache if ":fragment:" in key]


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
)
def test_with_the_cache_down_the_page_is_rendered_in_full(post):
    approved_comment(post, "Redis ist weg, der Kommentar nicht.")
    response = rendered_client().get(post.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Redis ist weg, der Kommentar nicht." in html
    assert post.title in html
    assert "Kategorien:" in html


def test_a_page_reads_the_cache_clock_once(post, monkeypatch):
    """With Redis hanging (not refusing), every read waits for the socket timeout: the clock is read once per
    request, and a request that found the cache not answering asks it nothing more."""
    import core.cache

    calls = []
    real = core.cache.read_clock

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(core.cache, "read_clock", counting)
    # Rendered for a reader with a cookie: only the fragments ask.
    assert rendered_client().get(post.url).status_code == 200
    assert len(calls) == 1
    # An anonymous miss: the page and its fragments share one reading.
    calls.clear()
    invalidate(f"page:{post.pk}")
    response = Client().get(post.url)
    assert response["X-Cache"] == "MISS"
    assert len(calls) == 1


def test_a_cache_that_does_not_answer_is_asked_once_per_request(post, monkeypatch):
    import core.cache

    monkeypatch.setattr(core.cache, "read_clock", lambda: None)
    reads = []
    real_get = core.cache.cache.get
    monkeypatch.setattr(
        core.cache.cache, "get", lambda *args, **kwargs: reads.append(args[0]) or real_get(*args, **kwargs)
    )
    response = rendered_client().get(post.url)
    assert response.status_code == 200
    assert post.title in response.content.decode()
    fragment_reads = [key for key in reads if str(key).startswith("fragment:")]
    assert len(fragment_reads) <= 1


def test_the_archive_sidebar_counts_a_new_post_at_once(
    post, blog_index, category, django_assert_max_num_queries, committed
):
    rendered_client().get(blog_index.url)
    # Warm: the sidebar's category and month counts come from the cache.
    with django_assert_max_num_queries(30) as queries:
        html = rendered_client().get(blog_index.url).content.decode()
    assert "DATE_TRUNC" not in " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert f'{category.name}</a> <span class="archive-sidebar__count">(1)</span>' in html
    with committed():
        BlogPostPageFactory(parent=blog_index, title="Noch ein Beitrag", slug="noch-einer", categories=[category])
    html = rendered_client().get(blog_index.url).content.decode()
    assert f'{category.name}</a> <span class="archive-sidebar__count">(2)</span>' in html
