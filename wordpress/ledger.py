"""The one ledger of the import: what each WordPress object became here (`ImportedObject`), read once per
kind into a dict, written back only where something changed.

A run looks up every author, category, post, comment and image here; loading a kind once turns tens of
thousands of lookups into one query each. Whatever the run adds to its dicts is journalled, so that
an item whose transaction is rolled back (`Undo.rollback_to`) leaves no entry pointing at a row that
no longer exists.
"""

import dataclasses

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import ImportedObject


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
    def __init__(self, undo):
        self.undo = undo
        self._entries = {}  # kind → {wp_id: Entry}
        self._ids = {}  # model → set of the primary keys that exist
        self._content_types = {}

    def content_type(self, model):
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model)
        return self._content_types[model]

    def entries(self, kind):
        if kind not in self._entries:
            self._entries[kind] = {
                wp_id: Entry(pk, object_id, extra or {})
                for pk, wp_id, object_id, extra in ImportedObject.objects.filter(kind=kind).values_list(
                    "pk", "wp_id", "object_id", "extra"
                )
            }
        return self._entries[kind]

    def get(self, kind, wp_id):
        return self.entries(kind).get(wp_id)

    def exists(self, model, pk):
        """Whether the row an entry points at is still there (deleted in Wagtail since, or not)."""
        if model not in self._ids:
            self._ids[model] = set(model._default_manager.values_list("pk", flat=True))
        return pk in self._ids[model]

    def created(self, model, pk):
        if model in self._ids:
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
