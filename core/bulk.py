"""INSERTs of many multi-table model instances at once (`bulk_create` refuses multi-table models)."""

from django.db import router


def insert_chain(model, objects):
    """INSERT unsaved `objects` of multi-table `model`, one statement per table of its chain: what
    `Model.save` does for each table (the base table returns the ids, the child tables reuse them), for
    many rows at once. No signals are sent and no `save()` runs; the objects are saved afterwards."""
    objects = list(objects)
    if not objects:
        return objects
    chain = [*reversed(model._meta.get_parent_list()), model]
    base = chain[0]
    fields = [field for field in base._meta.local_concrete_fields if not field.primary_key]
    rows = base._base_manager._insert(objects, fields=fields, returning_fields=[base._meta.pk])
    for obj, (pk,) in zip(objects, rows, strict=True):
        setattr(obj, base._meta.pk.attname, pk)
    for table in chain[1:]:
        for obj in objects:
            setattr(obj, table._meta.pk.attname, getattr(obj, base._meta.pk.attname))
        table._base_manager._insert(objects, fields=list(table._meta.local_concrete_fields))
    db = router.db_for_write(model)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = db
    return objects
