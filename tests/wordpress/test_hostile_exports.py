"""Hostile exports against the bulk writer of new posts (issue 17 attack): the tree, the slugs and
what is written must be what the per-page code wrote."""

import pytest

from wagtail.models import Page

from blog.models import BlogPostPage

from .test_bad_input import HEADER, POST, run, write
from .test_bulk import assert_tree_consistent

pytestmark = pytest.mark.django_db


def post(wp_id, slug=None, status="publish", date_gmt=None, title=None, extra=""):
    text = POST.format(wp_id=wp_id)
    if slug is not None:
        text = text.replace(f"<wp:post_name>beitrag-{wp_id}</wp:post_name>", f"<wp:post_name>{slug}</wp:post_name>")
    if status != "publish":
        text = text.replace("<wp:status>publish</wp:status>", f"<wp:status>{status}</wp:status>")
    if date_gmt:
        text = text.replace("</item>", f"<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt></item>")
    if title is not None:
        text = text.replace(f"<title>Beitrag {wp_id}</title>", f"<title>{title}</title>")
    return text.replace("</item>", f"{extra}</item>")


def export(tmp_path, *items):
    return write(tmp_path, HEADER.format(version="1.2") + "".join(items) + "</channel></rss>")


def test_a_scheduled_post_and_a_new_post_with_its_slug_in_one_batch_get_different_slugs(blog_index, tmp_path):
    path = export(
        tmp_path,
        post(1, slug="gleich", status="future", date_gmt="2999-01-01 10:00:00"),
        post(2, slug="gleich"),
    )
    run(path)
    slugs = sorted(Page.objects.child_of(blog_index).values_list("slug", flat=True))
    assert len(slugs) == 2
    assert len(set(slugs)) == 2, slugs
    assert_tree_consistent(blog_index)


def wp_comment(wp_id, parent=0, text=None, approved="1"):
    return (
        f"<wp:comment><wp:comment_id>{wp_id}</wp:comment_id><wp:comment_author>Leser {wp_id}</wp:comment_author>"
        f"<wp:comment_author_email>leser{wp_id}@example.org</wp:comment_author_email>"
        f"<wp:comment_date>2020-01-02 10:00:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2020-01-02 09:{wp_id % 60:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{text or f'Kommentar {wp_id}'}]]></wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def test_hostile_posts_in_one_batch_get_what_the_per_page_code_gave_them(blog_index, tmp_path):
    from wagtail.models import PageLogEntry, PageViewRestriction, Revision

    editors = blog_index.add_child(instance=BlogPostPage(title="Vorhanden", slug="vorhanden"))
    items = [
        post(1, slug="vorhanden"),  # against an existing page
        post(2, slug="doppelt"),
        post(3, slug="doppelt"),  # twice in the batch
        post(4, slug="suche"),  # reserved
        post(5, slug="2020"),  # a year
        post(6, slug="", title="x" * 300),  # long title, slug from it
        post(7, slug="", title=""),  # empty title
        post(8, slug="entwurf", status="draft"),
        post(9, slug="privat", status="private"),
        post(10, slug="doppelt-2"),  # the suffix another one got
    ]
    run(export(tmp_path, *items))
    children = assert_tree_consistent(blog_index)
    assert len(children) == 11
    slugs = [child.slug for child in children]
    assert len(set(slugs)) == len(slugs), slugs
    assert not {"suche", "2020"} & set(slugs)
    by_title = {child.title: child for child in children}
    assert by_title["x" * 255].slug
    assert "Beitrag 7" in by_title
    draft = by_title["Beitrag 8"]
    assert not draft.live and draft.has_unpublished_changes and draft.live_revision_id is None
    assert draft.first_published_at is None and draft.last_published_at is None
    assert Revision.objects.filter(object_id=str(draft.pk)).count() == 1
    assert list(PageLogEntry.objects.filter(page=draft).values_list("action", flat=True)) == ["wagtail.create"]
    private = by_title["Beitrag 9"]
    assert private.live
    assert PageViewRestriction.objects.filter(page=private, restriction_type="login").exists()
    assert children[0].pk == editors.pk
    for child in children[1:]:
        assert child.url_path == f"{blog_index.url_path}{child.slug}/"


def test_the_same_post_twice_in_one_batch_is_one_page(blog_index, tmp_path):
    second = post(1).replace("<title>Beitrag 1</title>", "<title>Beitrag 1 neu</title>")
    run(export(tmp_path, post(1, extra=wp_comment(11)), post(2), second.replace("</item>", wp_comment(12) + "</item>")))
    children = assert_tree_consistent(blog_index)
    assert len(children) == 2
    from comments.models import PostComment

    page = BlogPostPage.objects.get(slug="beitrag-1")
    assert set(PostComment.objects.filter(object_pk=str(page.pk)).values_list("comment", flat=True)) == {
        "Kommentar 11",
        "Kommentar 12",
    }


def test_a_batch_that_fails_to_write_is_rerun_whole_and_nothing_is_half_saved(blog_index, tmp_path, monkeypatch):
    from django.db.models import Count

    from wagtail.contrib.redirects.models import Redirect

    from comments.models import PostComment
    from wordpress.importers import new_posts
    from wordpress.models import ImportedObject

    items = [post(n, extra=wp_comment(1000 + n) + wp_comment(2000 + n, parent=1000 + n)) for n in range(1, 121)]
    path = export(tmp_path, *items)
    calls = {"n": 0}
    original = new_posts.insert_references

    def second_batch_fails(pages):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("Platte voll")
        return original(pages)

    monkeypatch.setattr(new_posts, "insert_references", second_batch_fails)
    output, error = run(path)
    assert "Platte voll" in output
    children = assert_tree_consistent(blog_index)
    assert len(children) == 70
    written = {str(page.pk) for page in children}
    assert set(PostComment.objects.values_list("object_pk", flat=True)) == written
    assert PostComment.objects.count() == 140
    assert ImportedObject.objects.filter(kind="post").count() == 70
    assert (
        not Redirect.objects.exclude(redirect_page__isnull=True)
        .exclude(redirect_page_id__in=[blog_index.pk, *[p.pk for p in children]])
        .exists()
    )

    monkeypatch.setattr(new_posts, "insert_references", original)
    run(path)
    children = assert_tree_consistent(blog_index)
    assert len(children) == 120
    assert PostComment.objects.count() == 240
    per_post = PostComment.objects.values("object_pk").annotate(n=Count("pk"))
    assert {row["n"] for row in per_post} == {2}
    assert ImportedObject.objects.filter(kind="post").count() == 120
    assert Redirect.objects.filter(redirect_page__isnull=False).exclude(redirect_page_id=blog_index.pk).count() == 240
    feeds = Redirect.objects.filter(redirect_link__startswith="/kommentare/beitrag/").values_list(
        "redirect_link", flat=True
    )
    assert sorted(feeds) == sorted(f"/kommentare/beitrag/{child.pk}/feed/" for child in children)
    run(path)
    assert len(assert_tree_consistent(blog_index)) == 120


def test_an_editors_page_between_two_batches_keeps_its_place_and_its_slug(blog_index, tmp_path, monkeypatch):
    from wordpress.importers.posts import PostImporter

    original = PostImporter.prefetch
    calls = {"n": 0}

    def editor_between(self, items):
        calls["n"] += 1
        if calls["n"] == 2:
            index = type(blog_index).objects.get(pk=blog_index.pk)
            index.add_child(instance=BlogPostPage(title="Redaktion", slug="beitrag-60"))
        return original(self, items)

    monkeypatch.setattr(PostImporter, "prefetch", editor_between)
    run(export(tmp_path, *[post(n) for n in range(1, 101)]))
    children = assert_tree_consistent(blog_index)
    assert len(children) == 101
    slugs = [child.slug for child in children]
    assert len(set(slugs)) == 101
    assert [child.title for child in children].index("Redaktion") == 50


def test_thousands_of_comments_on_one_post(blog_index, tmp_path):
    from comments.models import PostComment

    comments = [wp_comment(n, parent=(n - 1 if n % 4 else 0) if n > 1 else 0) for n in range(1, 2501)]
    path = export(tmp_path, post(1, extra="".join(comments)))
    run(path)
    page = BlogPostPage.objects.get()
    rows = PostComment.objects.filter(object_pk=str(page.pk))
    assert rows.count() == 2500
    assert rows.filter(level=0).count() == 626  # 1 and every fourth
    run(path)
    assert rows.count() == 2500


def test_the_ledger_keeps_nothing_derived_from_the_commenters_ip_address(blog_index, tmp_path, settings):
    # The site stores no IP address (COMMENTS_IP_STORAGE=none) or a shortened one, purged after 30 days;
    # a hash over the full address and the comment's other fields (which the row holds) gives the address
    # back by trying the 2^32 IPv4 addresses.
    from wordpress.models import ImportedObject

    settings.COMMENTS_IP_STORAGE = "none"

    def ledger_after_import_with(ip, folder):
        ImportedObject.objects.filter(kind="comment").delete()
        from comments.models import PostComment

        PostComment.objects.all().delete()
        ImportedObject.objects.filter(kind="post").delete()
        BlogPostPage.objects.all().delete()
        folder.mkdir()
        comment = wp_comment(7).replace(
            "</wp:comment_date_gmt>", f"</wp:comment_date_gmt><wp:comment_author_IP>{ip}</wp:comment_author_IP>"
        )
        run(export(folder, post(1, extra=comment)))
        return ImportedObject.objects.get(kind="comment", wp_id="7").extra

    first = ledger_after_import_with("198.51.100.23", tmp_path / "a")
    second = ledger_after_import_with("203.0.113.99", tmp_path / "b")
    assert first == second


def test_a_rerun_replaces_a_source_hash_it_cannot_use(blog_index, tmp_path):
    from wordpress.models import ImportedObject

    path = export(tmp_path, post(1, extra=wp_comment(7) + wp_comment(8, parent=7)))
    run(path)
    rows = ImportedObject.objects.filter(kind="comment")
    fresh = dict(rows.values_list("wp_id", "extra"))
    for row in rows:
        row.extra = {**row.extra, "source": "aus-einer-aelteren-version"}
        row.save()
    output, _error = run(path)
    assert dict(rows.values_list("wp_id", "extra")) == fresh
    from comments.models import PostComment

    assert PostComment.objects.count() == 2
