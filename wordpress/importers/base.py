"""What every per-object importer shares: the WordPress value rules and the "look up in the ledger,
compare the hash, create or update, record" step, written once (`ObjectImporter.import_one`)."""

import datetime
import hashlib
import json
import re
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import german_slug

IMAGE_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
UPLOADS_MARKER = "/wp-content/uploads/"


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


def int_or_zero(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def unique_slug(model, base):
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class ObjectImporter:
    """One kind of WordPress object. Subclasses say how to find, create and update theirs; the ledger
    bookkeeping and the report's counting are here."""

    kind = None
    model = None

    def __init__(self, run):
        self.run = run
        self.ledger = run.ledger
        self.report = run.report

    def import_one(self, key, data):
        """Returns the object `key` is here (None when skipped)."""
        entry = self.ledger.get(self.kind, key)
        if entry is not None and not self.ledger.exists(self.model, entry.object_id):
            self.report.skip(self.kind, _("in Wagtail gelöscht"))
            return None
        digest = self.digest(data)
        if entry is None:
            obj = self.create(key, data)
            if obj is not None:
                self.record_created(key, obj, data, digest)
            return obj
        obj = self.load(entry)
        if entry.extra.get("hash") == digest:
            self.report.count(self.kind, "unchanged")
            self.unchanged(obj, data)
        elif self.update(obj, data, entry):
            self.report.count(self.kind, "updated")
        self.ledger.record(self.kind, key, obj, self.ledger_data(obj, data, digest, entry), self.model)
        return obj

    # Hooks ----------------------------------------------------------------------------------------

    def digest(self, data):
        raise NotImplementedError

    def load(self, entry):
        return self.model.objects.get(pk=entry.object_id)

    def create(self, key, data):
        """Create (or adopt an existing) object; count it. None when it is skipped."""
        raise NotImplementedError

    def update(self, obj, data, entry):
        """WordPress changed it: write the change. False when it is not written (counted as skipped)."""
        raise NotImplementedError

    def record_created(self, key, obj, data, digest):
        """Note the new object in the ledger (a subclass that writes its objects later notes them then)."""
        self.ledger.record(self.kind, key, obj, self.ledger_data(obj, data, digest, None), self.model)

    def unchanged(self, obj, data):
        """Nothing to write; a subclass may still need the object (redirects, maps of this run)."""

    def ledger_data(self, obj, data, digest, entry):
        return {"hash": digest}
