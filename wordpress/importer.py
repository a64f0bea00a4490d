"""Imports a WordPress export (WXR) into authors, categories, tags, posts, comments, images and redirects.

Two streaming passes over the file: the first only notes the attachments (a featured image may be
exported after the post that uses it) and counts the posts for the progress display; the second
imports, one small importer per kind (wordpress/importers/) over one ledger (wordpress/ledger.py): every
imported object is recorded in `ImportedObject` with a hash of what it became, so a second run over the
same export changes nothing and a newer export updates what changed, but never what moderators or
editors changed here since.

Bulk work is done once per run, not per row: items are committed in batches (each in its own savepoint,
so one bad item is rolled back alone), the search index and Wagtail's reference index are brought up to
date at the end for what the run wrote, and the caches are invalidated once, at the end, for every tag
the run's changes named (`core.cache.deferred_invalidation`).
"""

import contextlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.models import BlogIndexPage, BlogPostPage
from comments.models import PostComment
from core.cache import deferred_invalidation

from . import wxr
from .importers import (
    AuthorImporter,
    CategoryImporter,
    CommentImporter,
    ImageImporter,
    PostImporter,
    RedirectImporter,
    TagImporter,
)
from .importers.base import upload_path
from .ledger import Ledger, Undo
from .models import ImportedObject
from .report import KIND_LABELS, OUTCOME_LABELS, OUTCOMES, REDIRECT, Report

__all__ = ["KIND_LABELS", "OUTCOMES", "OUTCOME_LABELS", "REDIRECT", "Report", "WordPressImporter"]

Kind = ImportedObject.Kind
PROGRESS_EVERY = 100
ITEMS_PER_TRANSACTION = 50
INDEX_CHUNK = 200


@dataclass
class Attachment:
    wp_id: str
    url: str
    file: str
    title: str


class WordPressImporter:
    post_model = BlogPostPage

    def __init__(self, path, media_dir=None, dry_run=False, progress=None):
        self.path = str(path)
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.progress = progress or (lambda message: None)
        self.report = Report()
        self.undo = Undo()
        self.attachments = {}  # WordPress attachment id → Attachment
        self.attachments_by_path = {}  # upload path → attachment id
        self.gallery_ids = {}  # post id → ids of the attachments uploaded to it
        self.total_posts = 0
        self.done_posts = 0
        self.blog_index = None
        self.scan_error = ""
        self.items_seen = 0
        self.written_pages = []  # pages this run saved a revision of (reference index at the end)

    # --- Entry point ------------------------------------------------------------------------

    def run(self):
        """Import the whole file. Returns the report; report.fatal is set when the file broke off."""
        self.scan()
        if self.scan_error and not self.items_seen:
            # Nothing in the file could be imported: say so before touching the database.
            self.report.fatal = self.scan_error
            return self.report
        self.blog_index = BlogIndexPage.objects.first()
        if self.blog_index is None:
            self.report.fatal = _(
                "Es gibt keine Beitragsübersicht („Beiträge“), unter der die Beiträge angelegt werden können."
            )
            return self.report
        self.ledger = Ledger(self.undo, windowed_models=(BlogPostPage, PostComment))
        self.redirects = RedirectImporter(self)
        self.authors = AuthorImporter(self)
        self.categories = CategoryImporter(self)
        self.tags = TagImporter(self)
        self.images = ImageImporter(self, self.media_dir)
        self.comments = CommentImporter(self)
        self.posts = PostImporter(self)
        with (
            deferred_invalidation(reason="WordPress import"),
            disable_reference_index_auto_update(),
            deferred_search_index() as indexed,
        ):
            self.indexed = indexed
            if self.dry_run:
                with transaction.atomic():
                    self.import_all()
                    transaction.set_rollback(True)
                indexed.clear()
            else:
                self.import_all()
                self.update_reference_index()
        return self.report

    def scan(self):
        """First pass: attachments and the number of posts. A broken file is reported by the second pass."""
        try:
            for kind, data in wxr.read_wxr(self.path):
                if kind == "version":
                    continue
                self.items_seen += 1
                if kind != "item":
                    continue
                if data.post_type == "post":
                    self.total_posts += 1
                elif data.post_type == "attachment":
                    attachment = Attachment(
                        wp_id=data.wp_id,
                        url=data.attachment_url,
                        file=data.meta.get("_wp_attached_file", "").strip(),
                        title=data.title,
                    )
                    self.attachments[data.wp_id] = attachment
                    for path in {attachment.file, upload_path(attachment.url)} - {""}:
                        self.attachments_by_path.setdefault(path, data.wp_id)
                    if data.parent_id and data.parent_id != "0":
                        self.gallery_ids.setdefault(data.parent_id, []).append(data.wp_id)
        except wxr.WXRError as error:
            self.scan_error = str(error)

    def import_all(self):
        # A batch's new posts, their comments and redirects go in together, before the batch commits.
        batch = Batch(ITEMS_PER_TRANSACTION, before_commit=self.flush)
        chunk = []  # posts read ahead, to look up their ledger entries together
        try:
            for kind, data in wxr.read_wxr(self.path):
                if kind == "item" and data.post_type == "post":
                    chunk.append(data)
                    if len(chunk) == ITEMS_PER_TRANSACTION:
                        self.import_chunk(batch, chunk)
                        chunk = []
                    continue
                if chunk:
                    self.import_chunk(batch, chunk)
                    chunk = []
                batch.open()
                if kind == "author":
                    label = _("Autor(in) „%(name)s“") % {"name": data.display_name}
                    self.guarded(label, self.authors.run_one, data)
                elif kind == "category":
                    self.guarded(_("Kategorie „%(name)s“") % {"name": data.name}, self.categories.run_one, data)
                elif kind == "tag":
                    self.guarded(_("Schlagwort „%(name)s“") % {"name": data.name}, self.tags.run_one, data)
                elif kind == "item":
                    self.import_item(data)
                batch.tick()
        except wxr.WXRError as error:
            # What came before the broken part is imported.
            if chunk:
                self.import_chunk(batch, chunk)
                chunk = []
            self.report.fatal = str(error)
        except BaseException:
            batch.close(rollback=True)
            raise
        if chunk:
            self.import_chunk(batch, chunk)
        batch.close()
        if self.done_posts % PROGRESS_EVERY:
            self.report_progress()
        if self.report.counts[Kind.POST]["created"] or self.report.counts[Kind.POST]["unchanged"]:
            batch.open()
            label = _("Weiterleitung %(path)s") % {"path": "/feed/"}
            self.guarded(label, self.redirects.ensure, "/feed/", self.blog_index, "/feed/")
            label = _("Weiterleitung %(path)s") % {"path": "/comments/feed/"}
            self.guarded(label, self.redirects.ensure, "/comments/feed/", None, "", reverse("comments-feed"))
            batch.close()

    def import_chunk(self, batch, items):
        """A batch of posts in one transaction: their ledger entries, existing rows, slugs and old
        addresses asked for together first; what was read for them is dropped after the commit, so
        memory does not grow with the export."""
        batch.close()
        batch.open()
        try:
            self.posts.prefetch(items)
            for item in items:
                if any(post.key == item.wp_id for post in self.posts.pending):
                    self.flush()  # the same post twice in the export: the first must be written first
                self.import_item(item)
            batch.close()
        except BaseException:
            batch.close(rollback=True)
            raise
        finally:
            self.end_window()

    def end_window(self):
        self.ledger.end_window()
        self.posts.end_window()

    def flush(self):
        """Before a commit: the new posts since the last one, then their comments and redirects."""
        mark = self.undo.mark()
        self.posts.flush()
        self.flush_comments()
        self.redirects.flush()
        self.undo.forget_before(mark)

    def note_indexed(self, model, pks):
        """Objects written without `save()` (bulk INSERTs), for the search index at the end of the run."""
        self.indexed.setdefault(model, set()).update(pks)

    def import_item(self, item):
        if item.post_type != "post":
            if item.post_type not in {"attachment", "nav_menu_item", "revision", "customize_changeset"}:
                label = _("Seite (Seiten werden nicht importiert)") if item.post_type == "page" else item.post_type
                self.report.skip(Kind.POST, label)
            return
        label = _("Beitrag %(id)s „%(title)s“") % {"id": item.wp_id, "title": item.title}
        self.guarded(label, self.posts.run_one, item)
        self.done_posts += 1
        if self.done_posts % PROGRESS_EVERY == 0:
            self.report_progress()

    def flush_comments(self):
        count = len(self.comments.pending)
        self.guarded(_("Neue Kommentare (%(count)s)") % {"count": count}, self.comments.flush)

    def report_progress(self):
        self.progress(_("Beiträge: %(done)s/%(total)s") % {"done": self.done_posts, "total": self.total_posts})

    def guarded(self, label, function, *args):
        """One bad item does not stop the rest: its changes are rolled back and it is listed as an error."""
        mark, written = self.undo.mark(), len(self.written_pages)
        try:
            with transaction.atomic():
                result = function(*args)
        except Exception as error:  # noqa: BLE001 - any failure of one item is reported, not raised
            self.report.errors.append(f"{label}: {error}")
            # What the run noted inside the rolled-back transaction no longer exists.
            self.undo.rollback_to(mark)
            del self.written_pages[written:]
            return None
        self.undo.forget_before(mark)
        return result

    def update_reference_index(self):
        """Wagtail's "usage" index for the posts this run wrote, once each."""
        page_ids = list(dict.fromkeys(self.written_pages))
        for start in range(0, len(page_ids), INDEX_CHUNK):
            with transaction.atomic():
                for page in BlogPostPage.objects.filter(pk__in=page_ids[start : start + INDEX_CHUNK]):
                    ReferenceIndex.create_or_update_for_object(page)


class Batch:
    """Commits every `size` items instead of after each one: one transaction, a savepoint per item."""

    def __init__(self, size, before_commit=None):
        self.size = size
        self.count = 0
        self.atomic = None
        self.before_commit = before_commit or (lambda: None)

    def open(self):
        if self.atomic is None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

    def tick(self):
        self.count += 1
        if self.count % self.size == 0:
            self.close()

    def close(self, rollback=False):
        atomic, self.atomic = self.atomic, None
        if atomic is not None:
            if rollback:
                transaction.set_rollback(True)
            else:
                self.before_commit()
            atomic.__exit__(None, None, None)


@contextlib.contextmanager
def deferred_search_index():
    """Wagtail indexes a post on each of its saves (create, revision, publish), each time at once. Here
    the saves are only noted; at the end every noted object is indexed once, in bulk. Yields the noted
    objects ({model: set of pks}); a caller that rolled back empties it."""
    from modelsearch import index
    from modelsearch.backends import get_search_backends
    from modelsearch.signal_handlers import post_save_signal_handler

    noted = {}
    indexed_models = [model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)]
    disconnected = [model for model in indexed_models if post_save.disconnect(post_save_signal_handler, sender=model)]
    indexed = set(disconnected)

    def note(sender, instance, raw=False, **kwargs):
        if not raw and sender in indexed:
            noted.setdefault(sender, set()).add(instance.pk)

    post_save.connect(note, weak=False, dispatch_uid="wordpress_import_search_index")
    try:
        yield noted
    finally:
        post_save.disconnect(dispatch_uid="wordpress_import_search_index")
        for model in disconnected:
            post_save.connect(post_save_signal_handler, sender=model)
    backends = list(get_search_backends(with_auto_update=True))
    with searchable_values_read_once() as memo:
        for model, pks in noted.items():
            pks = sorted(pks)
            for start in range(0, len(pks), INDEX_CHUNK):
                # The model's own indexing queryset: it prefetches what its search fields follow.
                objects = list(model.get_indexed_objects().filter(pk__in=pks[start : start + INDEX_CHUNK]))
                if model is BlogPostPage:
                    with_categories_in_memory(objects)
                for backend in backends:
                    backend.add_bulk(model, objects)
                memo.clear()


@contextlib.contextmanager
def searchable_values_read_once():
    """The PostgreSQL backend reads each search field of an object once per part of its index entry
    (title, autocomplete, body, their plain texts): a post's body is turned into text five times. While
    the run indexes its objects, a field's value is read once per object (the caller clears the memo
    after each chunk)."""
    from modelsearch.index import BaseField

    memo = {}
    get_value = BaseField.get_value

    def read_once(field, obj):
        key = (field.field_name, id(obj))
        if key not in memo:
            # The object is kept with its value: no other object can take its id while the memo lives.
            memo[key] = (obj, get_value(field, obj))
        return memo[key][1]

    BaseField.get_value = read_once
    try:
        yield memo
    finally:
        BaseField.get_value = get_value


def with_categories_in_memory(posts):
    """The index reads a post's categories three times (one per search vector) through modelcluster's
    manager, which ignores prefetching: give each post its categories in memory, from one query."""
    through = BlogPostPage.categories.through
    by_post = {post.pk: [] for post in posts}
    rows = through.objects.filter(blogpostpage_id__in=list(by_post)).select_related("category")
    for row in rows:
        by_post[row.blogpostpage_id].append(row.category)
    for post in posts:
        post.categories = by_post[post.pk]  # in memory only: nothing is saved
