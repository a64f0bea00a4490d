"""Many rows as model instances with a few fields, without Django's per-row `from_db` and `__init__`.

`list(queryset.only(*fields))` makes each row an instance through `Model.from_db`, which lines the
values up against every concrete field of the model (31 for a comment) and then sets them one by one in
`Model.__init__`: about 45 Python calls a row, 4,600 for the 100 comments under a post. `load_only`
gives the same instances (the same attributes in `__dict__`, the other fields deferred, `_state` of a
loaded row) from `values_list`, at a few calls a row. It falls back to `only()` whenever that would not
be the same: a model with init signals, its own `from_db`, or a field with a descriptor of its own.
"""

import functools

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# A foreign key's `…_id` descriptor only clears the cached related object on set: none is cached yet.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def load_only(queryset, field_names):
    """`list(queryset.only(*field_names))`, made faster where that is exactly equivalent."""
    model = queryset.model
    if not can_load_rows(model, field_names):
        return list(queryset.only(*field_names))
    return instances_from_rows(model, field_names, queryset.values_list(*field_names), queryset.db)


def can_load_rows(model, field_names):
    """Whether `instances_from_rows` gives what `only(*field_names)` gives for this model."""
    return _plain_attnames(model, tuple(field_names)) is not None


def instances_from_rows(model, field_names, rows, db):
    """The instances `only(*field_names)` makes, from rows of `values_list(*field_names)` (e.g. from
    core.compiled); only where `can_load_rows` says so."""
    attnames = _plain_attnames(model, tuple(field_names))
    if attnames is None:
        raise TypeError(f"{model.__name__}: these fields cannot be loaded without from_db")
    instances = []
    new = object.__new__
    for row in rows:
        instance = new(model)
        state = instance._state = ModelState()
        state.adding = False
        state.db = db
        instance.__dict__.update(zip(attnames, row, strict=True))
        instances.append(instance)
    return instances


def _plain_attnames(model, field_names):
    """The attribute names `only()` would set for these fields, or None where a plain set is not the same."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    return _plain_field_attnames(model, field_names)


@functools.cache
def _plain_field_attnames(model, field_names):
    """What of `_plain_attnames` depends on the model's class only (fixed once the models are loaded)."""
    if model.from_db.__func__ is not Model.from_db.__func__ or model.__init__ is not Model.__init__:
        return None
    opts = model._meta
    attnames = []
    for name in field_names:
        field = opts.pk if name == "pk" else opts.get_field(name)
        if not field.concrete or type(getattr(model, field.attname, None)) not in _PLAIN_DESCRIPTORS:
            return None
        attnames.append(field.attname)
    if opts.pk.attname not in attnames:
        return None  # only() always loads the primary key
    return tuple(attnames)
