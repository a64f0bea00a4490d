"""Imports a WordPress export (WXR) into authors, categories, posts, comments, images and redirects.

Two streaming passes over the file: the first only notes the attachments (a featured image may be
exported after the post that uses it) and counts the posts for the progress display; the second
imports. Every imported object is recorded in `ImportedObject` with a hash of what WordPress said,
so a second run over the same export changes nothing and a newer export updates what changed.
"""

import datetime
import hashlib
import ipaddress
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from PIL import Image as PillowImage

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from blog.models import RESERVED_POST_SLUGS, Author, BlogIndexPage, BlogPostAuthor, BlogPostPage, Category
from comments import lifecycle
from comments.models import PostComment, Status
from core.text import german_slug, is_number

from . import wxr
from .content import ImageRef, convert_body, html_to_plain_text
from .models import ImportedObject


def post_comment_feed_path(page):
    """Our comment feed of a post (comments/feeds.py), where WordPress's `/<post>/feed/` now leads."""
    return reverse("comments-post-feed", args=[page.pk])


Kind = ImportedObject.Kind
REDIRECT = "redirect"
KIND_LABELS = {
    Kind.AUTHOR: gettext_lazy("Autor(inn)en"),
    Kind.CATEGORY: gettext_lazy("Kategorien"),
    Kind.POST: gettext_lazy("Beiträge"),
    Kind.COMMENT: gettext_lazy("Kommentare"),
    Kind.ATTACHMENT: gettext_lazy("Bilder"),
    REDIRECT: gettext_lazy("Weiterleitungen"),
}
OUTCOMES = ("created", "updated", "unchanged", "skipped")
OUTCOME_LABELS = {
    "created": gettext_lazy("neu"),
    "updated": gettext_lazy("aktualisiert"),
    "unchanged": gettext_lazy("unverändert"),
    "skipped": gettext_lazy("übersprungen"),
}
FALLBACK_AUTHOR = ("redaktion", "Redaktion")
LIVE_STATUSES = {"publish", "private", "future"}
DRAFT_STATUSES = {"draft", "pending"}
IMAGE_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
UPLOADS_MARKER = "/wp-content/uploads/"
PROGRESS_EVERY = 100
MAX_LISTED_NOTES = 40
COMMENT_NAME_MAX_LENGTH = 50
WORDPRESS_COMMENT_STATUS = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
    "post-trashed": Status.TRASH,
}


def make_slug(value, max_length=200):
    return german_slug(value, max_length)


def content_hash(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def parse_wp_datetime(value, utc=True):
    """WordPress dates are 'YYYY-MM-DD HH:MM:SS', in UTC (…_gmt) or the site's time; '0000-…' means none."""
    if not value or value.startswith("0000"):
        return None
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    if utc:
        return naive.replace(tzinfo=datetime.UTC)
    return timezone.make_aware(naive)


def shorten_ip(value):
    """The commenter's address as settings.COMMENTS_IP_STORAGE allows: IPv4 /24, IPv6 /48, or none."""
    if getattr(settings, "COMMENTS_IP_STORAGE", "truncate") == "none" or not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def valid_email(value):
    value = (value or "").strip()[:254]
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def valid_url(value):
    value = (value or "").strip()
    if not value or len(value) > 200:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value


def upload_path(url):
    """'https://x.de/wp-content/uploads/2019/03/a-300x200.jpg' → '2019/03/a.jpg' (the original file)."""
    path = unquote(urlparse(url or "").path)
    if UPLOADS_MARKER in path:
        path = path.split(UPLOADS_MARKER, 1)[1]
    return IMAGE_SIZE_SUFFIX.sub("", path.lstrip("/"))


@dataclass
class Attachment:
    wp_id: str
    url: str
    file: str
    title: str


@dataclass
class Report:
    """What the run did, per kind, with the reasons for everything it skipped."""

    counts: dict = field(default_factory=lambda: {kind: Counter() for kind in KIND_LABELS})
    skipped: dict = field(default_factory=lambda: {kind: Counter() for kind in KIND_LABELS})
    notes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    fatal: str = ""

    def count(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def skip(self, kind, reason):
        self.counts[kind]["skipped"] += 1
        self.skipped[kind][reason] += 1

    @property
    def anything_done(self):
        return any(sum(counter.values()) for counter in self.counts.values())

    def note(self, message):
        self.notes.append(message)

    def lines(self, dry_run=False):
        # The labels are lazy translations: made plain strings once, in the active language, for the table.
        kind_labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
        outcome_labels = {outcome: str(OUTCOME_LABELS[outcome]) for outcome in OUTCOMES}
        width = max(len(label) for label in kind_labels.values())
        header = f"{'':<{width}}  " + "  ".join(f"{outcome_labels[o]:>12}" for o in OUTCOMES)
        lines = [
            "",
            _("Ergebnis des WordPress-Imports (Probelauf: nichts wurde gespeichert)")
            if dry_run
            else _("Ergebnis des WordPress-Imports"),
            header,
        ]
        for kind, label in kind_labels.items():
            lines.append(f"{label:<{width}}  " + "  ".join(f"{self.counts[kind][o]:>12}" for o in OUTCOMES))
        reasons = [
            f"  {kind_labels[kind]}: {reason}: {number}"
            for kind in kind_labels
            for reason, number in sorted(self.skipped[kind].items())
        ]
        if reasons:
            lines += ["", _("Übersprungen:"), *reasons]
        if self.notes:
            lines += ["", _("Hinweise:")] + [f"  {note}" for note in self.notes[:MAX_LISTED_NOTES]]
            if len(self.notes) > MAX_LISTED_NOTES:
                more = _("… und %(count)s weitere Hinweise.") % {"count": len(self.notes) - MAX_LISTED_NOTES}
                lines.append(f"  {more}")
        if self.errors:
            lines += ["", _("Fehler (diese Einträge wurden nicht gespeichert):")]
            lines += [f"  {error}" for error in self.errors]
        return lines


class WordPressImporter:
    def __init__(self, path, media_dir=None, dry_run=False, progress=None):
        self.path = str(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.dry_run = dry_run
        self.progress = progress or (lambda message: None)
        self.report = Report()
        self.attachments = {}  # WordPress attachment id → Attachment
        self.attachments_by_path = {}  # upload path → attachment id
        self.gallery_ids = {}  # post id → ids of the attachments uploaded to it
        self.total_posts = 0
        self.done_posts = 0
        self.authors_by_login = {}
        self.categories_by_slug = {}  # WordPress nicename → Category
        self.category_paths = {}  # WordPress nicename → its /category/… path segments
        self.categories_waiting_for_parent = {}  # parent nicename → categories imported before it
        self.images = {}  # image key → Image or None, for this run
        self.blog_index = None
        self.post_content_type = None
        self.post_was_written = False
        self.scan_error = ""
        self.items_seen = 0

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
        self.post_content_type = ContentType.objects.get_for_model(BlogPostPage)
        # Older addresses would be purged by the next `purge_comment_ips` anyway: never stored.
        self.ip_cutoff = timezone.now() - datetime.timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
        # Wagtail would refresh its reference index ("usage") after every single save, several times
        # per post; the import refreshes it once per written post instead (see save_post_revision).
        with disable_reference_index_auto_update():
            if self.dry_run:
                with transaction.atomic():
                    self.import_all()
                    transaction.set_rollback(True)
            else:
                self.import_all()
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
        try:
            for kind, data in wxr.read_wxr(self.path):
                if kind == "author":
                    self.guarded(_("Autor(in) „%(name)s“") % {"name": data.display_name}, self.import_author, data)
                elif kind == "category":
                    self.guarded(_("Kategorie „%(name)s“") % {"name": data.name}, self.import_category, data)
                elif kind == "item":
                    self.import_item(data)
        except wxr.WXRError as error:
            self.report.fatal = str(error)
        if self.done_posts % PROGRESS_EVERY:
            self.report_progress()
        if self.report.counts[Kind.POST]["created"] or self.report.counts[Kind.POST]["unchanged"]:
            label = _("Weiterleitung %(path)s") % {"path": "/feed/"}
            self.guarded(label, self.ensure_redirect, "/feed/", self.blog_index, "/feed/")
            label = _("Weiterleitung %(path)s") % {"path": "/comments/feed/"}
            self.guarded(label, self.ensure_redirect, "/comments/feed/", None, "", reverse("comments-feed"))

    def report_progress(self):
        self.progress(_("Beiträge: %(done)s/%(total)s") % {"done": self.done_posts, "total": self.total_posts})

    def guarded(self, label, function, *args):
        """One bad item does not stop the rest: its changes are rolled back and it is listed as an error."""
        known_images, known_categories = set(self.images), set(self.categories_by_slug)
        try:
            with transaction.atomic():
                return function(*args)
        except Exception as error:  # noqa: BLE001 - any failure of one item is reported, not raised
            self.report.errors.append(f"{label}: {error}")
            # Images and categories made inside the rolled-back transaction no longer exist.
            for key in set(self.images) - known_images:
                del self.images[key]
            for key in set(self.categories_by_slug) - known_categories:
                del self.categories_by_slug[key]
            return None

    # --- Authors ----------------------------------------------------------------------------

    def import_author(self, data):
        key = data.wp_id or f"login:{data.login}"
        email = valid_email(data.email)
        digest = content_hash([data.display_name, email])
        mapping = ImportedObject.objects.filter(kind=Kind.AUTHOR, wp_id=key).first()
        author = Author.objects.filter(pk=mapping.object_id).first() if mapping else None
        if mapping and author is None:
            self.report.skip(Kind.AUTHOR, _("in Wagtail gelöscht"))
            return
        if author is None:
            slug = make_slug(data.display_name) or make_slug(data.login) or f"autor-{key}"
            author = Author.objects.filter(slug=slug).first()
            if author and author.name.casefold() == data.display_name.casefold():
                self.report.note(
                    _("Autor(in) „%(name)s“ gab es schon; die Beiträge werden ihr/ihm zugeordnet.")
                    % {"name": author.name}
                )
                self.report.count(Kind.AUTHOR, "unchanged")
            else:
                author = Author.objects.create(
                    name=data.display_name[:255], slug=self.unique_slug(Author, slug), email=email
                )
                self.report.count(Kind.AUTHOR, "created")
            mapping = ImportedObject(kind=Kind.AUTHOR, wp_id=key, content_type=self.content_type(Author))
            mapping.object_id = author.pk
        elif mapping.extra.get("hash") == digest:
            self.report.count(Kind.AUTHOR, "unchanged")
        else:
            author.name, author.email = data.display_name[:255], email
            author.save(update_fields=["name", "email"])
            self.report.count(Kind.AUTHOR, "updated")
        if mapping.extra.get("hash") != digest or mapping.extra.get("login") != data.login:
            mapping.extra = {**mapping.extra, "hash": digest, "login": data.login}
            mapping.save()
        self.authors_by_login[data.login] = author
        route = f"/autor/{author.slug}/"
        # WordPress's author address uses the "nicename": the login lower-cased, dots turned into dashes.
        for login in {data.login.lower(), make_slug(data.login.replace(".", "-"))} - {""}:
            self.ensure_redirect(f"/author/{login}/", self.blog_index, route)
        if data.wp_id:
            self.ensure_redirect(f"/?author={data.wp_id}", self.blog_index, route)

    def fallback_author(self):
        slug, name = FALLBACK_AUTHOR
        author, _created = Author.objects.get_or_create(slug=slug, defaults={"name": name})
        return author

    # --- Categories -------------------------------------------------------------------------

    def import_category(self, data):
        key = data.wp_id or f"slug:{data.slug}"
        digest = content_hash([data.name, data.description, data.parent_slug])
        mapping = ImportedObject.objects.filter(kind=Kind.CATEGORY, wp_id=key).first()
        category = Category.objects.filter(pk=mapping.object_id).first() if mapping else None
        if mapping and category is None:
            self.report.skip(Kind.CATEGORY, _("in Wagtail gelöscht"))
            return
        # The parent is written for categories the import creates or whose WordPress data changed;
        # an editor's change in Wagtail to an unchanged category is kept.
        write_parent = False
        if category is None:
            slug = make_slug(data.slug) or make_slug(data.name) or f"kategorie-{key}"
            category = Category.objects.filter(slug=slug).first()
            if category:
                self.report.note(
                    _("Kategorie „%(name)s“ gab es schon; die Beiträge werden ihr zugeordnet.")
                    % {"name": category.name}
                )
                self.report.count(Kind.CATEGORY, "unchanged")
            else:
                category = Category.objects.create(
                    name=(data.name or data.slug)[:255], slug=slug, description=data.description
                )
                self.report.count(Kind.CATEGORY, "created")
                write_parent = True
            mapping = ImportedObject(kind=Kind.CATEGORY, wp_id=key, content_type=self.content_type(Category))
            mapping.object_id = category.pk
        elif mapping.extra.get("hash") == digest:
            self.report.count(Kind.CATEGORY, "unchanged")
        else:
            category.name, category.description = (data.name or data.slug)[:255], data.description
            category.save(update_fields=["name", "description"])
            self.report.count(Kind.CATEGORY, "updated")
            write_parent = True
        parent = self.categories_by_slug.get(data.parent_slug)
        if write_parent:
            if parent is not None or not data.parent_slug:
                self.set_category_parent(category, parent)
            else:
                # WordPress lists parents first, but a hand-made export may not: set it once the parent comes.
                self.categories_waiting_for_parent.setdefault(data.parent_slug, []).append(category)
        for child in self.categories_waiting_for_parent.pop(data.slug, []):
            self.set_category_parent(child, category)
        extra = {
            "hash": digest,
            "wp_slug": data.slug,
            "parent_wp_slug": data.parent_slug,
            "parent_category_id": parent.pk if parent else None,
        }
        if mapping.extra != extra:
            mapping.extra = extra
            mapping.save()
        self.categories_by_slug[data.slug] = category
        segments = [*self.category_paths.get(data.parent_slug, []), data.slug] if data.parent_slug else [data.slug]
        self.category_paths[data.slug] = segments
        route = f"/kategorie/{category.slug}/"
        for old_path in {f"/category/{data.slug}/", f"/category/{'/'.join(segments)}/"}:
            self.ensure_redirect(old_path, self.blog_index, route)
            self.ensure_redirect(f"{old_path}feed/", self.blog_index, f"{route}feed/")
        if data.wp_id:
            self.ensure_redirect(f"/?cat={data.wp_id}", self.blog_index, route)
        return category

    @staticmethod
    def set_category_parent(category, parent):
        if parent is not None and parent.pk in category.with_descendant_ids():
            return  # a cycle in the export (a category below itself): left without a parent
        if category.parent_id != (parent.pk if parent else None):
            category.parent = parent
            category.save(update_fields=["parent"])

    def category_for_item(self, slug, name):
        """A post may name a category the export's category list lacks: it is created then."""
        slug = unquote(slug)
        if slug in self.categories_by_slug:
            return self.categories_by_slug[slug]
        quoted = next((key for key in self.categories_by_slug if unquote(key) == slug), None)
        if quoted:
            return self.categories_by_slug[quoted]
        return self.import_category(wxr.Term(wp_id="", slug=slug, name=name))

    # --- Posts ------------------------------------------------------------------------------

    def import_item(self, item):
        if item.post_type != "post":
            if item.post_type not in {"attachment", "nav_menu_item", "revision", "customize_changeset"}:
                label = _("Seite (Seiten werden nicht importiert)") if item.post_type == "page" else item.post_type
                self.report.skip(Kind.POST, label)
            return
        self.guarded(_("Beitrag %(id)s „%(title)s“") % {"id": item.wp_id, "title": item.title}, self.import_post, item)
        self.done_posts += 1
        if self.done_posts % PROGRESS_EVERY == 0:
            self.report_progress()

    def import_post(self, item):
        self.post_was_written = False
        if item.status not in LIVE_STATUSES | DRAFT_STATUSES:
            self.report.skip(Kind.POST, _("Status „%(status)s“") % {"status": item.status or _("leer")})
            return
        mapping = ImportedObject.objects.filter(kind=Kind.POST, wp_id=item.wp_id).first()
        page = BlogPostPage.objects.filter(pk=mapping.object_id).first() if mapping else None
        if mapping and page is None:
            self.report.skip(Kind.POST, _("in Wagtail gelöscht"))
            return

        fields = self.post_fields(item)
        digest = content_hash({**fields["hashable"], "status": item.status, "password": item.password})
        if page is None:
            page = self.create_post(item, fields)
            mapping = ImportedObject(
                kind=Kind.POST, wp_id=item.wp_id, content_type=self.post_content_type, object_id=page.pk
            )
            self.report.count(Kind.POST, "created")
        elif mapping.extra.get("hash") == digest:
            self.report.count(Kind.POST, "unchanged")
        elif page.latest_revision_id != mapping.extra.get("revision_id"):
            self.report.skip(Kind.POST, _("nach dem Import in Wagtail bearbeitet (nicht überschrieben)"))
        else:
            self.update_post(page, item, fields)
            self.report.count(Kind.POST, "updated")
        if mapping.pk is None or self.post_was_written:
            mapping.extra = {"hash": digest, "revision_id": page.latest_revision_id, "link": item.link}
            mapping.save()
        self.import_comments(page, item)
        if item.status in LIVE_STATUSES:
            self.post_redirects(page, item)

    def post_fields(self, item):
        posted_at = parse_wp_datetime(item.post_date_gmt) or parse_wp_datetime(item.post_date, utc=False)
        local_date = parse_wp_datetime(item.post_date, utc=False)
        authors = []
        author = self.authors_by_login.get(item.creator)
        if author is None:
            author = self.fallback_author()
            self.report.note(
                _("Beitrag %(id)s „%(title)s“: Autor(in) „%(creator)s“ fehlt im Export; zugeordnet: %(author)s.")
                % {"id": item.wp_id, "title": item.title, "creator": item.creator or "–", "author": author.name}
            )
        authors.append(author)
        categories = []
        for slug, name in item.categories:
            category = self.category_for_item(slug, name) if slug else None
            if category and category not in categories:
                categories.append(category)
        blocks = []
        for block_type, value in convert_body(item.content, self.gallery_ids.get(item.wp_id, ())).blocks:
            if block_type == "image":
                image = self.resolve_image(value, item)
                if image is None:
                    continue
                value = {"image": image, "caption": value.caption[:255], "credit": ""}
            blocks.append((block_type, value))
        featured_image = None
        thumbnail_id = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail_id:
            featured_image = self.resolve_image(ImageRef(attachment_id=thumbnail_id), item)
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
        return {
            "hashable": hashable,
            "title": title,
            "intro": intro,
            "date": date,
            "posted_at": posted_at,
            "authors": authors,
            "categories": categories,
            "featured_image": featured_image,
            "body": [
                (block_type, RichText(value) if block_type == "paragraph" else value) for block_type, value in blocks
            ],
            "comments_enabled": item.comment_status != "closed",
        }

    def apply_fields(self, page, fields):
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

    def create_post(self, item, fields):
        slug = self.post_slug(item)
        page = BlogPostPage(slug=slug, live=False, has_unpublished_changes=True)
        self.apply_fields(page, fields)
        if item.status in LIVE_STATUSES:
            page.first_published_at = fields["posted_at"]
        # A fresh instance: a rolled-back item must not leave a stale child count behind.
        BlogIndexPage.objects.get(pk=self.blog_index.pk).add_child(instance=page)
        self.save_post_revision(page, item, fields)
        return page

    def update_post(self, page, item, fields):
        self.apply_fields(page, fields)
        self.save_post_revision(page, item, fields)

    def save_post_revision(self, page, item, fields):
        now = timezone.now()
        posted_at = fields["posted_at"]
        page.go_live_at = posted_at if item.status == "future" and posted_at and posted_at > now else None
        revision = page.save_revision()
        if item.status in LIVE_STATUSES:
            revision.publish()
        elif page.live:
            page.unpublish()
        page.refresh_from_db(fields=["latest_revision", "live", "live_revision"])
        self.sync_view_restriction(page, item)
        ReferenceIndex.create_or_update_for_object(page)
        self.post_was_written = True

    def sync_view_restriction(self, page, item):
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

    def post_slug(self, item):
        base = make_slug(item.slug) or make_slug(item.title) or f"beitrag-{item.wp_id}"
        siblings = Page.objects.child_of(self.blog_index)
        slug, number = base, 1
        while (
            slug in RESERVED_POST_SLUGS or (is_number(slug) and len(slug) == 4) or siblings.filter(slug=slug).exists()
        ):
            number += 1
            slug = f"{base}-{number}"
        if slug != base and item.slug:
            self.report.note(
                _("Beitrag %(id)s „%(title)s“: Kurzname „%(base)s“ ist schon vergeben, verwendet: „%(slug)s“.")
                % {"id": item.wp_id, "title": item.title, "base": base, "slug": slug}
            )
        return slug

    def post_redirects(self, page, item):
        link_path = urlparse(item.link).path if item.link else ""
        if link_path and link_path != "/":
            self.ensure_redirect(link_path, page)
            # WordPress's comment feed of the post.
            self.ensure_redirect(f"{link_path.rstrip('/')}/feed/", None, link=post_comment_feed_path(page))
        self.ensure_redirect(f"/?p={item.wp_id}", page)

    # --- Comments ---------------------------------------------------------------------------

    def import_comments(self, page, item):
        if not item.comments:
            return
        by_id = {comment.wp_id: comment for comment in item.comments}
        mappings = {
            mapping.wp_id: mapping
            for mapping in ImportedObject.objects.filter(kind=Kind.COMMENT, wp_id__in=list(by_id))
        }
        existing = PostComment.objects.in_bulk([mapping.object_id for mapping in mappings.values()])
        saved = {}  # WordPress comment id → PostComment, for threading
        for wp_id, mapping in mappings.items():
            if mapping.object_id in existing:
                saved[wp_id] = existing[mapping.object_id]
        order = sorted(
            item.comments, key=lambda comment: (comment.date_gmt or comment.date, int_or_zero(comment.wp_id))
        )
        for comment in order:
            self.import_comment(page, comment, by_id, mappings, saved)

    def import_comment(self, page, comment, by_id, mappings, saved):
        mapping = mappings.get(comment.wp_id)
        if comment.comment_type in {"pingback", "trackback"}:
            self.report.skip(Kind.COMMENT, _("Pingback/Trackback"))
            return
        status = WORDPRESS_COMMENT_STATUS.get(comment.approved)
        if status is None:
            self.report.skip(Kind.COMMENT, _("unbekannter Status „%(status)s“") % {"status": comment.approved})
            return
        if status in {Status.SPAM, Status.TRASH} and mapping is None:
            self.report.skip(Kind.COMMENT, _("Spam") if status == Status.SPAM else _("Papierkorb"))
            return
        text = html_to_plain_text(comment.content)
        if not text:
            self.report.skip(Kind.COMMENT, _("leer"))
            return
        submitted = (
            parse_wp_datetime(comment.date_gmt)
            or parse_wp_datetime(comment.date, utc=False)
            or page.first_published_at
            or timezone.now()
        )
        values = {
            "user_name": comment.author[:COMMENT_NAME_MAX_LENGTH],
            "user_email": valid_email(comment.email),
            "user_url": valid_url(comment.url),
            "comment": text,
            "submit_date": submitted,
            "ip_address": shorten_ip(comment.ip) if submitted >= self.ip_cutoff else None,
        }
        digest = content_hash(
            {**{key: value for key, value in values.items() if key != "ip_address"}, "status": status}
        )
        if mapping is not None:
            existing = saved.get(comment.wp_id)
            if existing is None:
                self.report.skip(Kind.COMMENT, _("in Wagtail gelöscht"))
            elif mapping.extra.get("hash") == digest:
                self.report.count(Kind.COMMENT, "unchanged")
            else:
                # Updated rows, not saved objects, and the state through the lifecycle: a moderator's
                # decision in Wagtail since the last import wins over WordPress.
                PostComment.norel_objects.filter(pk=existing.pk).update(**values)
                imported_status = mapping.extra.get("status")
                if imported_status is None or existing.status == imported_status:
                    lifecycle.set_imported_status(existing, status)
                mapping.extra = {"hash": digest, "status": status}
                mapping.save(update_fields=["extra", "updated_at"])
                self.report.count(Kind.COMMENT, "updated")
            return
        parent = self.comment_parent(comment, by_id, saved)
        new_comment = PostComment(
            content_type=self.post_content_type,
            object_pk=str(page.pk),
            site_id=settings.SITE_ID,
            parent_id=parent.pk if parent else 0,
            status=status,
            is_public=False,
            is_removed=status in {Status.SPAM, Status.TRASH},
            **values,
        )
        new_comment.save()
        lifecycle.record_imported(new_comment)
        saved[comment.wp_id] = new_comment
        ImportedObject.objects.create(
            kind=Kind.COMMENT,
            wp_id=comment.wp_id,
            content_type=self.content_type(PostComment),
            object_id=new_comment.pk,
            extra={"hash": digest, "status": status},
        )
        self.report.count(Kind.COMMENT, "created")

    def comment_parent(self, comment, by_id, saved):
        """The comment to reply to: the WordPress parent, or its nearest imported ancestor when the
        parent was not imported (spam), or the deepest ancestor that still allows replies."""
        max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        parent_id, seen = comment.parent_id, set()
        while parent_id and parent_id != "0" and parent_id not in seen:
            seen.add(parent_id)
            if parent_id in saved:
                parent = saved[parent_id]
                while parent.level >= max_level:
                    parent = PostComment.objects.get(pk=parent.parent_id)
                return parent
            parent_comment = by_id.get(parent_id)
            parent_id = parent_comment.parent_id if parent_comment else None
        return None

    # --- Images -----------------------------------------------------------------------------

    def resolve_image(self, ref, item):
        """The Wagtail image for a WordPress attachment or upload address: imported once, reused after."""
        attachment = self.attachments.get(ref.attachment_id) if ref.attachment_id else None
        if attachment is None and ref.src:
            attachment_id = self.attachments_by_path.get(upload_path(ref.src))
            attachment = self.attachments.get(attachment_id) if attachment_id else None
        if attachment:
            key, candidates, title = attachment.wp_id, [attachment.file, upload_path(attachment.url)], attachment.title
        elif ref.src:
            path = upload_path(ref.src)
            key, candidates, title = f"path:{path}", [path], ""
        else:
            self.report.skip(Kind.ATTACHMENT, _("Anhang fehlt im Export"))
            return None
        if key in self.images:
            return self.images[key]
        image = self.import_image(key, [c for c in candidates if c], title, item)
        self.images[key] = image
        return image

    def import_image(self, key, candidates, title, item):
        image_model = get_image_model()
        mapping = ImportedObject.objects.filter(kind=Kind.ATTACHMENT, wp_id=key).first()
        if mapping:
            image = image_model.objects.filter(pk=mapping.object_id).first()
            if image:
                self.report.count(Kind.ATTACHMENT, "unchanged")
                return image
            mapping.delete()
        file_path = self.find_media_file(candidates)
        if file_path is None:
            self.report.skip(Kind.ATTACHMENT, _("Datei nicht im Medienordner"))
            return None
        try:
            with PillowImage.open(file_path) as check:
                check.verify()
        except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for a broken file
            self.report.skip(Kind.ATTACHMENT, _("Datei ist kein lesbares Bild"))
            return None
        if self.dry_run:
            # Files are not rolled back with the database: a dry run only counts the image.
            self.report.count(Kind.ATTACHMENT, "created")
            return None
        with file_path.open("rb") as handle:
            image = image_model(title=(title or file_path.stem)[:255], file=File(handle, name=file_path.name))
            image._set_image_file_metadata()
            image.save()
        ImportedObject.objects.create(
            kind=Kind.ATTACHMENT, wp_id=key[:255], content_type=self.content_type(image_model), object_id=image.pk
        )
        self.report.count(Kind.ATTACHMENT, "created")
        return image

    def find_media_file(self, candidates):
        if self.media_dir is None:
            return None
        root = self.media_dir.resolve()
        for candidate in candidates:
            path = (root / candidate.lstrip("/")).resolve()
            # A crafted path must not read files outside the media folder.
            if path.is_relative_to(root) and path.is_file():
                return path
        return None

    # --- Redirects and helpers --------------------------------------------------------------

    def ensure_redirect(self, old_path, page, route="", link=""):
        """A 301 from an old WordPress address to a page (and route) or, with `link`, to one of our paths;
        an existing redirect (maybe changed by an editor) is kept."""
        old_path = Redirect.normalise_path(old_path)
        if old_path in {"", "/"}:
            return
        if len(old_path) > 255:
            self.report.skip(REDIRECT, _("alte Adresse länger als 255 Zeichen"))
            return
        if Redirect.objects.filter(old_path=old_path).exists():
            self.report.count(REDIRECT, "unchanged")
            return
        Redirect.objects.create(
            old_path=old_path,
            site=None,
            is_permanent=True,
            redirect_page=None if link else page,
            redirect_page_route_path=Redirect.normalise_page_route_path(route) if route and not link else "",
            redirect_link=link,
        )
        self.report.count(REDIRECT, "created")

    def unique_slug(self, model, base):
        slug, number = base, 1
        while model.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def content_type(self, model):
        return ContentType.objects.get_for_model(model)


def int_or_zero(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
