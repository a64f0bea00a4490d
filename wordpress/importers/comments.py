"""Comments: a post's new threads inserted at once (`lifecycle.create_imported`), WordPress's changes to
untouched comments through the lifecycle, and nothing a moderator changed here overwritten.

The ledger's hash of a comment is the hash of what the import wrote into its row (name, address,
website, text, date, status). So one comparison tells both things a re-import must know: WordPress
changed the comment (its new hash differs from the ledger's), and a moderator changed it here (the row's
hash differs from the ledger's: edited, anonymised, moved to another state). A comment gone from the
site was deleted here. Either way the site wins and the report counts it.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments import lifecycle
from comments.models import REMOVED_STATUSES, PostComment, Status
from comments.utils import truncate_ip

from ..content import html_to_plain_text
from ..models import ImportedObject
from .base import content_hash, int_or_zero, parse_wp_datetime, valid_email, valid_url

Kind = ImportedObject.Kind
CHANGED_IN_SITE = gettext_lazy("in der Website geändert, nicht überschrieben")
WORDPRESS_COMMENT_STATUS = {
    "1": Status.APPROVED,
    "0": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.TRASH,
    "post-trashed": Status.TRASH,
}
ROW_FIELDS = ("user_name", "user_email", "user_url", "comment", "submit_date")


def source_hash(comment, post_date):
    """The hash of what WordPress sent for a comment (and the post's date, its fallback date): when it is
    the one the ledger noted, the comment is unchanged without converting its text again. Ledger rows
    written before this hash existed are compared the long way (`comment_hash`).

    Without the IP address, as `comment_hash`: the site keeps at most a shortened one, for a limited time
    (or none), and a hash over the full address and fields the row holds gives the address back by trying
    every IPv4 address. A changed address alone changes nothing in the row's hash either."""
    fields = ("author", "email", "url", "content", "date", "date_gmt", "approved", "comment_type", "parent_id")
    return content_hash([*(getattr(comment, name) for name in fields), post_date])


def comment_hash(values, status):
    """The hash of what a comment's row holds (the IP address aside: it is purged on its own)."""
    data = {name: values[name] for name in ROW_FIELDS}
    data["submit_date"] = data["submit_date"].astimezone(datetime.UTC)
    return content_hash({**data, "status": status})


class CommentImporter:
    kind = Kind.COMMENT

    def __init__(self, run):
        self.run = run
        self.ledger = run.ledger
        self.report = run.report
        self.content_type = run.ledger.content_type(run.post_model)
        # Older addresses would be purged by the next `purge_comment_ips` anyway: never stored.
        self.ip_cutoff = timezone.now() - datetime.timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
        self.store_ips = settings.COMMENTS_IP_STORAGE != "none"
        self.max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        self.pending = []  # new threads of the posts imported since the last flush

    def ip_to_store(self, address, submitted):
        if not self.store_ips or submitted < self.ip_cutoff:
            return None
        return truncate_ip(address)

    def import_for_post(self, page, item, post_date):
        """`page` has the post's `pk`; for a new post it is set when the batch's posts are written, before
        `flush` inserts their comments."""
        if not item.comments:
            return
        by_id = {comment.wp_id: comment for comment in item.comments}
        # Usually prefetched with the batch's other posts (WordPressImporter.import_chunk): no query.
        self.ledger.prefetch(self.kind, by_id, PostComment)
        entries = self.ledger.entries(self.kind)
        order = sorted(item.comments, key=lambda c: (c.date_gmt or c.date, int_or_zero(c.wp_id)))
        placed = {}  # WordPress id → the PostComment it is (new, or loaded when a new reply needs it)
        new, one_by_one, changed = [], [], []
        existing_ids = [entries[c.wp_id].object_id for c in order if entries.get(c.wp_id) is not None]
        loaded = None
        for comment in order:
            entry = entries.get(comment.wp_id)
            source = source_hash(comment, post_date)
            if entry is not None and entry.extra.get("source") == source:
                # WordPress sent exactly what the import wrote from last time: nothing to convert.
                if self.ledger.exists(PostComment, entry.object_id):
                    self.report.count(self.kind, "unchanged")
                else:
                    self.report.skip(self.kind, str(CHANGED_IN_SITE))  # deleted here: not imported again
                continue
            values, status = self.values(comment, entry, post_date)
            if values is None:
                continue
            if entry is not None:
                if not self.ledger.exists(PostComment, entry.object_id):
                    self.report.skip(self.kind, str(CHANGED_IN_SITE))  # deleted here: not imported again
                elif entry.extra.get("hash") == comment_hash(values, status):
                    self.report.count(self.kind, "unchanged")
                    # A ledger row without this run's source hash (older, or one with the IP address in it)
                    # gets it, so the next run compares it the short way and no old hash is kept.
                    extra = {**entry.extra, "source": source}
                    self.ledger.record(self.kind, comment.wp_id, PostComment(pk=entry.object_id), extra, PostComment)
                else:
                    changed.append((comment.wp_id, entry, values, status, source))
                continue
            if loaded is None:
                loaded = PostComment.norel_objects.in_bulk(existing_ids) if existing_ids else {}
            parent = self.parent(comment, by_id, placed, entries, loaded)
            instance = PostComment(
                content_type=self.content_type,
                object_pk=str(page.pk),
                site_id=settings.SITE_ID,
                status=status,
                is_public=False,
                is_removed=status in REMOVED_STATUSES,
                **values,
            )
            instance.import_page = page
            instance.import_source = source
            instance.import_parent = parent
            instance.level = parent.level + 1 if parent is not None else 0
            if parent is None or getattr(parent, "import_new", False):
                instance.import_new = True
                new.append((comment.wp_id, instance, status, values))
            else:
                # A reply in a thread that exists already: xtd places it (and renumbers the thread).
                instance.parent_id = parent.pk
                instance.save()
                lifecycle.record_imported(instance)
                extra = {"hash": comment_hash(values, status), "status": status, "source": source}
                one_by_one.append((comment.wp_id, instance, extra))
            placed[comment.wp_id] = instance
        for row in new:
            self.run.undo.append(self.pending, row)  # inserted with the other posts' (flush)
        self.ledger.record_many(self.kind, one_by_one)
        for _row in one_by_one:
            self.report.count(self.kind, "created")
        if changed:
            self.update_changed(changed)

    def flush(self):
        """Insert the new threads of the posts since the last flush (the run calls it before each commit)."""
        pending, self.pending = self.pending, []
        # The comments of a post that could not be written wait for the next run.
        pending = [row for row in pending if row[1].import_page.pk is not None]
        if not pending:
            return
        for _wp_id, instance, _status, _values in pending:
            instance.object_pk = str(instance.import_page.pk)
        lifecycle.create_imported([instance for _wp_id, instance, _status, _values in pending])
        rows = [
            (
                wp_id,
                instance,
                {"hash": comment_hash(values, status), "status": status, "source": instance.import_source},
            )
            for wp_id, instance, status, values in pending
        ]
        self.ledger.record_many(self.kind, rows)
        for _row in rows:
            self.report.count(self.kind, "created")

    def values(self, comment, entry, post_date):
        """What the comment's row gets, and its status; (None, None) when it is skipped."""
        if comment.comment_type in {"pingback", "trackback"}:
            self.report.skip(self.kind, _("Pingback/Trackback"))
            return None, None
        status = WORDPRESS_COMMENT_STATUS.get(comment.approved)
        if status is None:
            self.report.skip(self.kind, _("unbekannter Status „%(status)s“") % {"status": comment.approved})
            return None, None
        if status in REMOVED_STATUSES and entry is None:
            self.report.skip(self.kind, _("Spam") if status == Status.SPAM else _("Papierkorb"))
            return None, None
        text = html_to_plain_text(comment.content)
        if not text:
            self.report.skip(self.kind, _("leer"))
            return None, None
        submitted = (
            parse_wp_datetime(comment.date_gmt)
            or parse_wp_datetime(comment.date, utc=False)
            or post_date
            or timezone.now()
        )
        values = {
            "user_name": comment.author[: lifecycle.NAME_MAX_LENGTH],
            "user_email": valid_email(comment.email),
            "user_url": valid_url(comment.url),
            "comment": text,
            "submit_date": submitted,
            "ip_address": self.ip_to_store(comment.ip, submitted),
        }
        return values, status

    def parent(self, comment, by_id, placed, entries, loaded):
        """The comment to reply to: the WordPress parent, or its nearest imported ancestor when the
        parent was not imported (spam), or the deepest ancestor that still allows replies."""
        parent_id, seen = comment.parent_id, set()
        while parent_id and parent_id != "0" and parent_id not in seen:
            seen.add(parent_id)
            parent = placed.get(parent_id)
            if parent is None and entries.get(parent_id) is not None:
                parent = loaded.get(entries[parent_id].object_id)
            if parent is not None:
                while parent.level >= self.max_level:
                    parent = parent.import_parent if getattr(parent, "import_new", False) else self.up(parent)
                return parent
            parent_comment = by_id.get(parent_id)
            parent_id = parent_comment.parent_id if parent_comment else None
        return None

    @staticmethod
    def up(comment):
        return PostComment.norel_objects.get(pk=comment.parent_id)

    def update_changed(self, changed):
        """WordPress changed these comments: written where nobody changed them here since the import."""
        rows = PostComment.norel_objects.in_bulk([entry.object_id for _wp_id, entry, _values, _status, _s in changed])
        for wp_id, entry, values, status, source in changed:
            current = rows.get(entry.object_id)
            site_values = {name: getattr(current, name) for name in ROW_FIELDS} if current else None
            if current is None or comment_hash(site_values, current.status) != entry.extra.get("hash"):
                self.report.skip(self.kind, str(CHANGED_IN_SITE))
                continue
            if not lifecycle.update_imported(current, values, status):
                self.report.skip(self.kind, str(CHANGED_IN_SITE))
                continue
            digest = comment_hash(values, status)
            extra = {"hash": digest, "status": status, "source": source}
            self.ledger.record(self.kind, wp_id, current, extra, PostComment)
            self.report.count(self.kind, "updated")
