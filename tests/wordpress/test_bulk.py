"""What the import does in bulk and at the end of the run: threads computed in memory, posts created
live with Wagtail's publish record, one search-index pass, one cache invalidation."""

import io

import pytest

from wagtail.models import PageLogEntry

from blog.apps import LISTINGS_TAG
from comments import lifecycle
from comments.models import PostComment, Status
from core import cache as core_cache
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db


def comment(wp_id):
    mapping = ImportedObject.objects.get(kind="comment", wp_id=str(wp_id))
    return PostComment.objects.get(pk=mapping.object_id)


def test_a_thread_inserted_in_bulk_has_the_order_and_counts_xtd_would_give_it(imported):
    chain = [comment(wp_id) for wp_id in range(510, 516)]
    assert [c.order for c in chain] == [1, 2, 3, 4, 5, 6]
    assert [c.nested_count for c in chain] == [5, 4, 3, 2, 0, 0]
    assert [c.parent_id for c in chain[1:]] == [chain[0].pk, chain[1].pk, chain[2].pk, chain[3].pk, chain[3].pk]
    # A reply written here afterwards is placed by xtd's own save into the imported thread.
    reply = lifecycle.submit(
        post=chain[0].content_object,
        parent=chain[3],
        name="Später",
        email="",
        url="",
        text="Nachgereicht.",
        site_id=chain[0].site_id,
        ip_address=None,
        user=None,
        author_token="",
        status=Status.APPROVED,
        reasons=[],
    )
    assert (reply.thread_id, reply.level, reply.order) == (chain[0].pk, 4, 7)
    assert comment(510).nested_count == 6
    assert reply.is_public


def test_each_imported_comment_has_one_import_entry_in_the_audit_log(imported):
    from wagtail.models import ModelLogEntry

    ids = [str(pk) for pk in PostComment.objects.values_list("pk", flat=True)]
    entries = ModelLogEntry.objects.filter(action="comments.import", object_id__in=ids)
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(ids)
    assert all("@" not in str(entry.data) and "Bäcker" not in entry.label for entry in entries)


def test_a_post_created_live_has_its_live_revision_and_a_publish_entry(imported):
    page = comment(501).content_object
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision_id == page.latest_revision_id
    assert page.revisions.count() == 1
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", revision=page.live_revision).exists()


def test_imported_posts_are_in_the_search_index(imported, client):
    response = client.get("/beitraege/suche/", {"q": "Strukturwandel"})
    assert response.status_code == 200
    assert "Strukturwandel in der Eifel" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_run_invalidates_the_caches_once_at_the_end(run_import, export_path):
    # Real commits (as in production): the run's batches commit, and their callbacks run, inside it.
    before = core_cache.read_clock()
    run_import(export_path)
    after = core_cache.read_clock()
    assert after == before + 1  # one tick for the whole run, not one per saved row
    assert not core_cache.is_fresh([LISTINGS_TAG], before)


def assert_tree_consistent(index):
    """What `manage.py fixtree` checks, and what Wagtail's tree API answers for the post index."""
    from io import StringIO

    from django.core.management import call_command

    from wagtail.models import Page

    from blog.models import BlogPostPage

    assert Page.find_problems() == ([], [], [], [], [])
    output = StringIO()
    call_command("fixtree", "--noinput", stdout=output)
    assert "No problems found" in output.getvalue()
    index.refresh_from_db()
    children = list(index.get_children().specific())
    assert index.numchild == len(children) == BlogPostPage.objects.child_of(index).count()
    assert len({child.path for child in children}) == len(children)
    for child in children:
        assert child.get_parent().pk == index.pk
        assert child.depth == index.depth + 1
        assert child.url_path == f"{index.url_path}{child.slug}/"
    return children


def test_posts_written_in_bulk_keep_the_page_tree_consistent(imported, blog_index):
    from wagtail.models import Revision

    from blog.models import BlogPostPage

    children = assert_tree_consistent(blog_index)
    assert len(children) == BlogPostPage.objects.count() > 3
    for post in children:
        # Each new post has its one revision, as Wagtail's save_revision writes it, and its audit entries.
        revision = Revision.objects.get(object_id=str(post.pk))
        assert post.latest_revision_id == revision.pk
        assert revision.as_object().title == post.title
        assert post.live_revision_id == (revision.pk if post.live and not post.go_live_at else None)
        assert PageLogEntry.objects.filter(page=post, action="wagtail.create").count() == 1
    # An editor adds a post after the import: treebeard continues the tree where the import left it.
    blog_index.refresh_from_db()
    later = blog_index.add_child(instance=BlogPostPage(title="Nachher", slug="nachher", date=children[0].date))
    assert later.path > max(child.path for child in children)
    assert_tree_consistent(blog_index)


def test_an_import_after_an_editors_post_continues_the_tree_behind_it(run_import, export_path, blog_index):
    from blog.models import BlogPostPage

    first = blog_index.add_child(instance=BlogPostPage(title="Vorher", slug="vorher"))
    run_import(export_path)
    children = assert_tree_consistent(blog_index)
    assert children[0].pk == first.pk
    assert all(child.path > first.path for child in children[1:])
    # A rerun adds nothing to the tree.
    run_import(export_path)
    assert assert_tree_consistent(blog_index) == children


def test_posts_written_in_bulk_have_the_reference_index_wagtail_would_write(imported):
    from wagtail.models import ReferenceIndex

    from blog.models import Author, BlogPostPage

    post = BlogPostPage.objects.filter(live=True).first()

    def rows():
        return sorted(
            ReferenceIndex.objects.filter(object_id=str(post.pk)).values_list(
                "content_type_id", "base_content_type_id", "to_content_type_id", "to_object_id", "model_path"
            )
        )

    written = rows()
    assert any(row[4].startswith("post_authors") for row in written)
    assert ReferenceIndex.get_references_to(Author.objects.get(pk=post.authors[0].pk)).exists()
    ReferenceIndex.create_or_update_for_object(post)
    assert rows() == written


def test_the_run_keeps_no_ledger_of_posts_or_comments_in_memory(blog_index, media_dir, export_path):
    from wordpress.importer import WordPressImporter

    run = WordPressImporter(export_path, media_dir=media_dir)
    run.run()
    assert run.report.counts["post"]["created"] > 3
    assert not run.ledger.entries("post") and not run.ledger.entries("comment")
    assert not run.redirects.pending and not run.posts.pending and not run.comments.pending


def test_a_publish_receiver_that_fails_leaves_the_new_posts_saved_and_is_reported(blog_index, media_dir, export_path):
    """A receiver of Wagtail's page_published (a cache purge that cannot reach its server) fails: the
    posts created in bulk stay saved with a note, the run goes on; a post published through Wagtail's own
    `revision.publish()` (an update, a scheduled one) is rolled back and listed, as Wagtail would fail it."""
    from django.core.management import CommandError, call_command

    from wagtail.signals import page_published

    from blog.models import BlogPostPage

    announced = []

    def purge_that_cannot_reach_its_server(sender, instance, **kwargs):
        raise ConnectionError("Cache-Server nicht erreichbar")

    def another_receiver(sender, instance, **kwargs):
        announced.append(instance.pk)

    page_published.connect(purge_that_cannot_reach_its_server, dispatch_uid="test_failing_purge")
    page_published.connect(another_receiver, dispatch_uid="test_other_receiver")
    stdout = io.StringIO()
    try:
        with pytest.raises(CommandError):
            call_command("import_wordpress", str(export_path), media_dir=str(media_dir), stdout=stdout)
    finally:
        page_published.disconnect(dispatch_uid="test_failing_purge")
        page_published.disconnect(dispatch_uid="test_other_receiver")
    output = stdout.getvalue()

    live = set(BlogPostPage.objects.live().values_list("pk", flat=True))
    assert live and live <= set(announced)  # every other receiver heard of every saved post
    notes = [line for line in output.splitlines() if "ein Schritt nach dem Veröffentlichen schlug fehl" in line]
    assert len(notes) == len(live)
    assert all(line.endswith("Cache-Server nicht erreichbar") for line in notes)
    errors = output.split("Fehler (diese Einträge wurden nicht gespeichert):", 1)[1].strip().splitlines()
    assert errors and all("Cache-Server nicht erreichbar" in line for line in errors)
    print(output)
