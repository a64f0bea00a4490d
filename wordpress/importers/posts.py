"""Posts: one page each below the post index, a revision only when WordPress changed something, never
over an editor's later revision."""

from urllib.parse import urlparse

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page, PageViewRestriction
from wagtail.models.pages import COMMENTS_RELATION_NAME
from wagtail.rich_text import RichText

from blog.models import BlogIndexPage, BlogPostAuthor, BlogPostPage, BlogPostTag, is_reserved_post_slug

from ..content import ImageRef, convert_body, html_to_plain_text
from ..models import ImportedObject
from . import new_posts
from .base import ObjectImporter, content_hash, make_slug, parse_wp_datetime

Kind = ImportedObject.Kind
LIVE_STATUSES = {"publish", "private", "future"}
DRAFT_STATUSES = {"draft", "pending"}


class PostImporter(ObjectImporter):
    kind = Kind.POST
    model = BlogPostPage

    def __init__(self, run):
        super().__init__(run)
        self.pending = []  # new posts since the last flush (new_posts.PendingPost)
        self.slugs = {}  # slug → taken below the index?, for the current batch

    def run_one(self, item):
        if item.status not in LIVE_STATUSES | DRAFT_STATUSES:
            self.report.skip(self.kind, _("Status „%(status)s“") % {"status": item.status or _("leer")})
            return
        self.fields = None
        page = self.import_one(item.wp_id, item)
        if page is None:
            return
        # A new post's page is written with the batch's (`flush`): its comments and redirects take its
        # id from the PageRef then.
        self.run.comments.import_for_post(page, item, self.fields["posted_at"])
        if item.status in LIVE_STATUSES:
            link_path = self.link_path(item)
            if link_path and link_path != "/":
                self.run.redirects.ensure(link_path, page)
                # WordPress's comment feed of the post leads to ours (comments/feeds.py).
                self.run.redirects.ensure(
                    f"{link_path.rstrip('/')}/feed/", page, link=lambda: reverse("comments-post-feed", args=[page.pk])
                )
            self.run.redirects.ensure(f"/?p={item.wp_id}", page)

    @staticmethod
    def link_path(item):
        return urlparse(item.link).path if item.link else ""

    # The steps of ObjectImporter.import_one. Posts pass page ids around: an unchanged post is never loaded.

    def digest(self, item):
        self.fields = self.post_fields(item)
        return content_hash({**self.fields["hashable"], "status": item.status, "password": item.password})

    def load(self, entry):
        return PageRef(entry.object_id)

    def create(self, key, item):
        page = BlogPostPage(slug=self.post_slug(item), live=False, has_unpublished_changes=True)
        # Taken from now on, for the batch's later posts: also by a scheduled post, which is written at once
        # and so is not among the siblings the batch read before.
        self.run.undo.set(self.slugs, page.slug, True)
        self.apply_fields(page, self.fields)
        now = timezone.now()
        posted_at = self.fields["posted_at"]
        scheduled = item.status == "future" and posted_at and posted_at > now
        if item.status in LIVE_STATUSES:
            page.first_published_at = posted_at
        if item.status in LIVE_STATUSES and not scheduled:
            # Created live: what `revision.publish()` would write to a new page, written with the page,
            # instead of saving the page three times (create, revision, publish).
            page.live, page.has_unpublished_changes = True, False
            page.first_published_at = posted_at or now
            page.last_published_at = now
        if not scheduled:
            # Written with the batch's other new posts (new_posts.write); checked here, as an item.
            page.locale_id = self.run.blog_index.locale_id
            # A new page has no admin comments: said in memory, so that its revision and reference index
            # do not ask the database (modelcluster reads an unsaved child relation from there).
            setattr(page, COMMENTS_RELATION_NAME, [])
            page.latest_revision_created_at = now
            new_posts.validate(page, page.live)
            ref = PageRef(None)
            self.run.undo.append(self.pending, new_posts.PendingPost(ref, page, key, item, None, None))
            return ref
        # Scheduled (rare): created and scheduled one by one, the way Wagtail does it.
        # A fresh instance: a rolled-back item must not leave a stale child count behind.
        BlogIndexPage.objects.get(pk=self.run.blog_index.pk).add_child(instance=page)
        # add_child has just validated the page (Page.save cleans it): the revision need not again.
        self.save_revision(page, item, clean=False)
        self.report.count(self.kind, "created")
        return PageRef(page.pk, page.latest_revision_id)

    def record_created(self, key, ref, item, digest):
        if ref.pk is not None:
            super().record_created(key, ref, item, digest)
        else:
            self.pending[-1].digest = digest  # recorded when the batch's pages are written (flush)

    # New posts in bulk --------------------------------------------------------------------------

    def prefetch(self, items):
        """Before a batch: the ledger entries of its posts and comments, which of their pages and
        comments still exist, and which of the slugs its new posts want are taken (a query each)."""
        from comments.models import PostComment

        self.ledger.prefetch(self.kind, [item.wp_id for item in items], BlogPostPage)
        self.ledger.prefetch(Kind.COMMENT, [comment.wp_id for item in items for comment in item.comments], PostComment)
        wanted = {self.base_slug(item) for item in items if self.ledger.get(self.kind, item.wp_id) is None}
        if wanted:
            taken = set(
                Page.objects.child_of(self.run.blog_index).filter(slug__in=wanted).values_list("slug", flat=True)
            )
            self.slugs.update((slug, slug in taken) for slug in wanted)

    def end_window(self):
        self.slugs.clear()

    def flush(self):
        """Write the new posts since the last flush (the run calls it before each commit)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            with transaction.atomic():
                new_posts.write(self.run.blog_index, pending)
                for post in pending:
                    if post.item.status == "private" or post.item.password:
                        self.sync_view_restriction(post.page, post.item)  # a new page has none to remove
                for post in pending:
                    post.ref.pk, post.ref.revision_id = post.page.pk, post.page.latest_revision_id
                self.ledger.record_many(
                    self.kind,
                    [
                        (post.key, post.page, self.ledger_data(post.ref, post.item, post.digest, None))
                        for post in pending
                    ],
                )
        except Exception as error:  # noqa: BLE001 - reported per post; the next run creates them
            for post in pending:
                post.ref.pk = post.ref.revision_id = None
                label = _("Beitrag %(id)s „%(title)s“") % {"id": post.item.wp_id, "title": post.item.title}
                self.report.errors.append(f"{label}: {error}")
            return
        for _post in pending:
            self.report.count(self.kind, "created")
        self.run.note_indexed(BlogPostPage, [post.page.pk for post in pending])
        for note in new_posts.announce(pending):
            self.report.note(note)

    def update(self, ref, item, entry):
        page = BlogPostPage.objects.get(pk=ref.pk)
        if page.latest_revision_id != entry.extra.get("revision_id"):
            self.report.skip(self.kind, _("nach dem Import in Wagtail bearbeitet (nicht überschrieben)"))
            return False
        self.apply_fields(page, self.fields)
        self.save_revision(page, item)
        ref.revision_id = page.latest_revision_id
        return True

    def ledger_data(self, ref, item, digest, entry):
        if entry is not None and ref.revision_id is None:
            return entry.extra  # not written: what the ledger knew stays
        return {"hash": digest, "revision_id": ref.revision_id, "link": item.link}

    # Fields --------------------------------------------------------------------------------------

    def post_fields(self, item):
        run = self.run
        posted_at = parse_wp_datetime(item.post_date_gmt) or parse_wp_datetime(item.post_date, utc=False)
        local_date = parse_wp_datetime(item.post_date, utc=False)
        authors = [run.authors.for_post(item)]
        categories = []
        for slug, name in item.categories:
            category = run.categories.for_post(slug, name) if slug else None
            if category and category not in categories:
                categories.append(category)
        tags = []
        for slug, name in item.tags:
            tag = run.tags.for_post(slug, name) if slug or name else None
            if tag and tag not in tags:
                tags.append(tag)
        blocks = []
        for block_type, value in convert_body(item.content, run.gallery_ids.get(item.wp_id, ())).blocks:
            if block_type == "image":
                image = run.images.resolve(value)
                if image is None:
                    continue
                value = {"image": image, "caption": value.caption[:255], "credit": ""}
            blocks.append((block_type, value))
        featured_image = None
        thumbnail_id = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail_id:
            featured_image = run.images.resolve(ImageRef(attachment_id=thumbnail_id))
        title = item.title[:255] or f"Beitrag {item.wp_id}"
        intro = html_to_plain_text(item.excerpt)
        date = timezone.localtime(local_date or posted_at).date() if (local_date or posted_at) else timezone.localdate()
        hashable = {
            "title": title,
            "intro": intro,
            "date": date.isoformat(),
            "posted_at": posted_at.isoformat() if posted_at else "",
            "authors": [a.pk for a in authors],
            "categories": [c.pk for c in categories],
            "featured_image": featured_image.pk if featured_image else None,
            "comments_enabled": item.comment_status != "closed",
            "body": [
                (block_type, {**value, "image": value["image"].pk} if block_type == "image" else value)
                for block_type, value in blocks
            ],
            "slug": item.slug,
        }
        if tags:
            # Only when there are any: the hash of a post without tags stays what it was before tags were
            # imported, so a rerun does not write a revision of every such post.
            hashable["tags"] = [tag.pk for tag in tags]
        return {
            "hashable": hashable,
            "title": title,
            "intro": intro,
            "date": date,
            "posted_at": posted_at,
            "authors": authors,
            "categories": categories,
            "tags": tags,
            "featured_image": featured_image,
            "body": [
                (block_type, RichText(value) if block_type == "paragraph" else value) for block_type, value in blocks
            ],
            "comments_enabled": item.comment_status != "closed",
        }

    @staticmethod
    def apply_fields(page, fields):
        page.title = fields["title"]
        page.intro = fields["intro"]
        page.date = fields["date"]
        page.body = fields["body"]
        page.featured_image = fields["featured_image"]
        page.comments_enabled = fields["comments_enabled"]
        page.post_authors = [
            BlogPostAuthor(author=author, sort_order=index) for index, author in enumerate(fields["authors"])
        ]
        page.categories = fields["categories"]
        page.tagged_items = [BlogPostTag(tag=tag) for tag in fields["tags"]]

    def save_revision(self, page, item, clean=True):
        now = timezone.now()
        posted_at = self.fields["posted_at"]
        page.go_live_at = posted_at if item.status == "future" and posted_at and posted_at > now else None
        revision = page.save_revision(clean=clean)
        if item.status in LIVE_STATUSES:
            revision.publish()
        elif page.live:
            page.unpublish()
        page.refresh_from_db(fields=["latest_revision", "live", "live_revision"])
        self.sync_view_restriction(page, item)
        # Wagtail's reference index ("usage") is brought up to date once, at the end of the run.
        self.run.written_pages.append(page.pk)

    @staticmethod
    def sync_view_restriction(page, item):
        """WordPress "private" → only logged-in users; a post password → the same password here."""
        restrictions = PageViewRestriction.objects.filter(page=page)
        if item.status == "private":
            wanted = {"restriction_type": PageViewRestriction.LOGIN, "password": ""}
        elif item.password:
            wanted = {"restriction_type": PageViewRestriction.PASSWORD, "password": item.password[:255]}
        else:
            restrictions.delete()
            return
        current = restrictions.first()
        if current and (current.restriction_type, current.password) == (wanted["restriction_type"], wanted["password"]):
            return
        restrictions.delete()
        PageViewRestriction.objects.create(page=page, **wanted)

    @staticmethod
    def base_slug(item):
        return make_slug(item.slug) or make_slug(item.title) or f"beitrag-{item.wp_id}"

    def slug_taken(self, slug):
        """By a sibling in the database or a new post of this batch (known ones are not asked again)."""
        if slug not in self.slugs:
            self.slugs[slug] = Page.objects.child_of(self.run.blog_index).filter(slug=slug).exists()
        return self.slugs[slug]

    def post_slug(self, item):
        base = self.base_slug(item)
        slug, number = base, 1
        while is_reserved_post_slug(slug) or self.slug_taken(slug):
            number += 1
            slug = f"{base}-{number}"
        if slug != base and item.slug:
            self.report.note(
                _("Beitrag %(id)s „%(title)s“: Kurzname „%(base)s“ ist schon vergeben, verwendet: „%(slug)s“.")
                % {"id": item.wp_id, "title": item.title, "base": base, "slug": slug}
            )
        return slug


class PageRef:
    """A post by id, and the revision this run wrote (None when it wrote none)."""

    def __init__(self, pk, revision_id=None):
        self.pk = pk
        self.revision_id = revision_id
