"""New posts written in bulk: a batch's new pages go into the tree together, just before the batch commits.

What Wagtail writes for one page created with `add_child` (and, when live, published at once) is written
here for the whole batch, one statement per table instead of one (or several) per page:

- the tree: the parent locked as treebeard locks it, the paths of the new children computed in memory
  from the last child's (treebeard's own `_get_path`), the parent's `numchild` raised once by their number;
- the page rows (`wagtailcore_page`, then the post's own table), their authors, categories and tags;
- one revision each (the page's `serializable_data()` once it has its id), then `latest_revision` and,
  for live pages, `live_revision` in one UPDATE;
- Wagtail's audit entries: `wagtail.create` for every page (what `Page.save` logs for a new page) and
  `wagtail.publish` with the revision for a live one; `page_published` is sent for each live page (the
  caches and the front cache listen);
- Wagtail's reference index ("Verwendung") for the new pages, and the ledger rows.

Each page is validated in memory when the item is read (`validate`): the field checks and the post's own
rules that `Page.save` runs (full for a live page, title and slug for a draft), without the queries
(the slug is free: PostImporter checks it against the siblings and the batch's other new pages; the
foreign keys come from the database). So a bad post is still rolled back alone as an item; when the
batch's INSERTs fail all the same, every post of the batch is listed under "Fehler" and nothing of them
is written (the next run creates them).
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.signals import page_published

from blog.models import BlogPostAuthor, BlogPostPage, BlogPostTag
from core.bulk import insert_chain

logger = logging.getLogger(__name__)


def validate(page, live):
    """What `Page.save(clean=True)` checks, without its queries (see the module's docstring)."""
    page._set_core_field_defaults()
    if live:
        # The tree fields are set when the batch is written; the foreign keys come from the database.
        exclude = [field.name for field in page._meta.concrete_fields if field.is_relation]
        page.clean_fields(exclude=[*exclude, "path", "depth", "numchild", "url_path"])
        # The post's own rules (reserved slugs, dates); Page.clean's sibling query is PostImporter's job.
        page._check_slug_is_unique = lambda: None
        try:
            page.clean()
        finally:
            del page._check_slug_is_unique
    else:
        page.title = page._meta.get_field("title").clean(page.title, page)


class PendingPost:
    """A new post waiting for the batch's INSERTs: the unsaved page and what its ledger entry needs."""

    def __init__(self, ref, page, key, item, digest, ledger_extra):
        self.ref = ref
        self.page = page
        self.key = key
        self.item = item
        self.digest = digest
        self.ledger_extra = ledger_extra  # called with the saved page's revision id


def insert_pages(parent, pages):
    """Add unsaved `pages` (specific pages, one model) as the last children of `parent`, in this order."""
    model = type(pages[0])
    # As treebeard's add_child: the parent's row locked for the rest of the transaction, its children's
    # paths continued from the last one.
    parent = Page.objects.select_for_update().get(pk=parent.pk)
    depth = parent.depth + 1
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=depth)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    step = Page._str2int(last[-Page.steplen :]) if last else 0
    path_length = Page._meta.get_field("path").max_length
    for number, page in enumerate(pages, start=step + 1):
        page.depth = depth
        page.path = Page._get_path(parent.path, depth, number)
        if len(page.path) > path_length or len(page.path) != len(parent.path) + Page.steplen:
            raise ValueError(f"Path overflow below {parent.path}")
        page.numchild = 0
        page.locale_id = page.locale_id or parent.locale_id
        page.draft_title = page.title
        page.set_url_path(parent)
    insert_chain(model, pages)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))


def insert_children(posts):
    """The posts' authors, categories and tags (in memory on each page, modelcluster's way)."""
    authors, categories, tags = [], [], []
    through = BlogPostPage.categories.through
    for page in posts:
        for author in page.post_authors.all():
            author.page_id = page.pk
            authors.append(author)
        categories.extend(
            through(blogpostpage_id=page.pk, category_id=category.pk) for category in page.categories.all()
        )
        for tag in page.tagged_items.all():
            tag.content_object_id = page.pk
            tags.append(tag)
    for model, rows in ((BlogPostAuthor, authors), (through, categories), (BlogPostTag, tags)):
        if rows:
            model.objects.bulk_create(rows)


def insert_revisions(pages, live_pages):
    """One revision per page, as `save_revision` writes it; then the pages point at them in one UPDATE."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    base_content_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=content_type,
            base_content_type=base_content_type,
            object_id=str(page.pk),
            created_at=now,
            user=None,
            approved_go_live_at=None,
            content=page.serializable_data(),
            object_str=str(page),
        )
        for page in pages
    )
    live = {page.pk for page in live_pages}
    integer = models.IntegerField()
    Page.objects.filter(pk__in=[page.pk for page in pages]).update(
        latest_revision_id=Case(*(When(pk=p.pk, then=Value(r.pk)) for p, r in zip(pages, revisions, strict=True))),
        live_revision_id=Case(
            *(When(pk=p.pk, then=Value(r.pk)) for p, r in zip(pages, revisions, strict=True) if p.pk in live),
            default=Value(None),
            output_field=integer,
        ),
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = revision
        if page.pk in live:
            page.live_revision = revision
    return revisions


def insert_log_entries(pages, live_pages):
    """Wagtail's audit entries: `wagtail.create` for each page, `wagtail.publish` for each live one."""
    now = timezone.now()
    context = get_active_log_context()
    content_type = ContentType.objects.get_for_model(BlogPostPage, for_concrete_model=False)

    def entry(page, action, revision=None):
        return PageLogEntry(
            content_type=content_type,
            label=page.get_admin_display_title(),
            action=action,
            timestamp=now,
            data={},
            page=page,
            user=context.user or page.owner,
            uuid=context.uuid,
            revision=revision,
            content_changed=True,
        )

    PageLogEntry.objects.bulk_create(
        [entry(page, "wagtail.create") for page in pages]
        + [entry(page, "wagtail.publish", page.live_revision) for page in live_pages]
    )


def insert_references(pages):
    """Wagtail's reference index for new pages (no rows of theirs exist yet): one INSERT for the batch,
    the rows `ReferenceIndex.create_or_update_for_object` would write for each."""
    content_types = [
        ContentType.objects.get_for_model(model, for_concrete_model=False)
        for model in [BlogPostPage, *BlogPostPage._meta.get_parent_list()]
    ]
    rows = []
    for page in pages:
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(page)
        ):
            rows.append(
                ReferenceIndex(
                    content_type=content_types[0],
                    base_content_type=content_types[-1],
                    object_id=page.pk,
                    to_content_type_id=to_content_type_id,
                    to_object_id=to_object_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
            )
    options = {"ignore_conflicts": True} if connection.features.supports_ignore_conflicts else {}
    ReferenceIndex.objects.bulk_create(rows, **options)


def write(parent, pending):
    """All of it for one batch, in one savepoint; returns nothing, raises when anything failed."""
    pages = [post.page for post in pending]
    live_pages = [page for page in pages if page.live]
    with transaction.atomic():
        insert_pages(parent, pages)
        insert_children(pages)
        insert_revisions(pages, live_pages)
        insert_log_entries(pages, live_pages)
        insert_references(pages)


def announce(pending):
    """What Wagtail sends when a page is published, for each new live page. The posts are saved by then:
    a receiver that fails (a cache purge that cannot reach its server) is logged and reported as a note,
    and the import goes on. Returns those notes."""
    notes = []
    for post in pending:
        page = post.page
        if not page.live:
            continue
        for receiver, result in page_published.send_robust(
            sender=BlogPostPage, instance=page, revision=page.live_revision
        ):
            if isinstance(result, Exception):
                logger.error(
                    "page_published receiver %r failed for imported page %s",
                    receiver,
                    page.pk,
                    exc_info=(type(result), result, result.__traceback__),
                )
                notes.append(
                    _(
                        "Beitrag %(id)s „%(title)s“ ist gespeichert, doch ein Schritt nach dem Veröffentlichen schlug fehl: %(error)s"
                    )
                    % {"id": post.item.wp_id, "title": post.item.title, "error": result}
                )
    return notes
