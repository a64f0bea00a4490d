"""The one ledger of the import: what each WordPress object became here (`ImportedObject`), written
back only where something changed.

A run looks up every author, category, post, comment and image here. The few kinds (authors,
categories, tags, images) are read once per run into a dict. Posts and comments, which grow with the
export, are read a window at a time: the run prefetches the entries of the next batch of posts and their
comments (`prefetch`, one query per kind) and drops them when the batch is done (`end_window`), so
memory stays flat however large the export; a key nobody prefetched is asked for alone. Whatever the
run adds to its dicts is journalled, so that an item whose transaction is rolled back
(`Undo.rollback_to`) leaves no entry pointing at a row that no longer exists.
"""

import dataclasses

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import ImportedObject

# Kinds read per batch instead of whole: they grow with the export.
STREAMED_KINDS = {ImportedObject.Kind.POST, ImportedObject.Kind.COMMENT}


@dataclasses.dataclass
class Entry:
    pk: int | None
    object_id: int
    extra: dict


class Undo:
    """Changes to in-memory dicts and sets that a rolled-back transaction must take back."""

    _MISSING = object()

    def __init__(self):
        self.journal = []

    def set(self, mapping, key, value):
        self.journal.append((mapping, key, mapping.get(key, self._MISSING)))
        mapping[key] = value

    def add(self, members, value):
        if value not in members:
            self.journal.append((members, value, None))
            members.add(value)

    def append(self, items, value):
        self.journal.append((items, None, None))
        items.append(value)

    def mark(self):
        return len(self.journal)

    def forget_before(self, mark):
        """An item at the outermost level succeeded: nothing before it will be taken back (keeps the
        journal from growing with the export)."""
        if mark == 0:
            self.journal.clear()

    def rollback_to(self, mark):
        while len(self.journal) > mark:
            container, key, previous = self.journal.pop()
            if isinstance(container, list):
                container.pop()
            elif isinstance(container, set):
                container.discard(key)
            elif previous is self._MISSING:
                container.pop(key, None)
            else:
                container[key] = previous


class Ledger:
    def __init__(self, undo, windowed_models=()):
        self.undo = undo
        self._entries = {}  # kind → {wp_id: Entry or None (asked, not in the ledger)}
        self._ids = {}  # model → set of the primary keys that exist (small models, read whole)
        self._known = {model: {} for model in windowed_models}  # model → {pk: exists?}, per window
        self._content_types = {}

    def content_type(self, model):
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    @staticmethod
    def _read(kind, wp_ids=None):
        rows = ImportedObject.objects.filter(kind=kind)
        if wp_ids is not None:
            rows = rows.filter(wp_id__in=wp_ids)
        return {
            wp_id: Entry(pk, object_id, extra or {})
            for pk, wp_id, object_id, extra in rows.values_list("pk", "wp_id", "object_id", "extra")
        }

    def entries(self, kind):
        """The entries known so far: a whole kind, or for a streamed kind the current window (a key
        missing from it may still be in the database: use `get`)."""
        if kind not in self._entries:
            self._entries[kind] = {} if kind in STREAMED_KINDS else self._read(kind)
        return self._entries[kind]

    def get(self, kind, wp_id):
        entries = self.entries(kind)
        if kind in STREAMED_KINDS and wp_id not in entries:
            entries[wp_id] = self._read(kind, [wp_id[:255]]).get(wp_id[:255])
        return entries.get(wp_id)

    def prefetch(self, kind, wp_ids, model=None):
        """Add these keys of a streamed kind to the window: their entries in one query (and, with
        `model`, which of the rows they point at still exist, in one more). Keys already known are not
        asked again."""
        entries = self.entries(kind)
        wanted = [wp_id for wp_id in dict.fromkeys(wp_ids) if wp_id not in entries]
        if not wanted:
            return
        found = self._read(kind, [wp_id[:255] for wp_id in wanted])
        for wp_id in wanted:
            entries[wp_id] = found.get(wp_id[:255])
        if model is not None:
            self.prefetch_exists(model, [entry.object_id for entry in found.values()])

    def prefetch_exists(self, model, pks):
        known = self._known[model]
        wanted = [pk for pk in pks if pk not in known]
        if wanted:
            present = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            known.update((pk, pk in present) for pk in wanted)

    def end_window(self):
        """The batch is committed: forget what was read for it."""
        for kind in STREAMED_KINDS:
            self._entries.pop(kind, None)
        for known in self._known.values():
            known.clear()

    def exists(self, model, pk):
        """Whether the row an entry points at is still there (deleted in Wagtail since, or not)."""
        if model in self._known:
            self.prefetch_exists(model, [pk])
            return self._known[model][pk]
        if model not in self._ids:
            self._ids[model] = set(model._default_manager.values_list("pk", flat=True))
        return pk in self._ids[model]

    def created(self, model, pk):
        if model in self._known:
            self.undo.set(self._known[model], pk, True)
        elif model in self._ids:
            self.undo.add(self._ids[model], pk)

    def record(self, kind, wp_id, obj, extra, model=None):
        """Note what `wp_id` became (`obj`, of `model`); writes only when the entry is new or differs."""
        model = model or type(obj)
        entry = self.get(kind, wp_id)
        if entry is not None and entry.object_id == obj.pk and entry.extra == extra:
            return
        if entry is None or entry.pk is None:
            row = ImportedObject.objects.create(
                kind=kind, wp_id=wp_id[:255], content_type=self.content_type(model), object_id=obj.pk, extra=extra
            )
            pk = row.pk
        else:
            ImportedObject.objects.filter(pk=entry.pk).update(object_id=obj.pk, extra=extra, updated_at=timezone.now())
            pk = entry.pk
        self.undo.set(self.entries(kind), wp_id, Entry(pk, obj.pk, extra))
        self.created(model, obj.pk)

    def record_many(self, kind, rows):
        """New entries in one INSERT: `rows` are (wp_id, saved object, extra)."""
        if not rows:
            return
        created = ImportedObject.objects.bulk_create(
            ImportedObject(
                kind=kind,
                wp_id=wp_id[:255],
                content_type=self.content_type(type(obj)),
                object_id=obj.pk,
                extra=extra,
            )
            for wp_id, obj, extra in rows
        )
        entries = self.entries(kind)
        for row, (wp_id, obj, extra) in zip(created, rows, strict=True):
            self.undo.set(entries, wp_id, Entry(row.pk, obj.pk, extra))
            self.created(type(obj), obj.pk)

    def forget(self, kind, wp_id):
        entry = self.get(kind, wp_id)
        if entry is not None:
            ImportedObject.objects.filter(kind=kind, wp_id=wp_id).delete()
            self.undo.set(self.entries(kind), wp_id, None)
