"""Hot queries whose SQL is built and compiled once per process and database connection (issue 17).

Every request of the post page used to build its six querysets afresh (`filter()`, `Q`, joins) and
compile them to SQL: about 3,000-4,000 Python calls a query, though only the parameters change from one
request to the next. `run(build, shape, **values)` builds the queryset once, with `Param` placeholders
where the request's values go, compiles it with Django's own compiler, and keeps the SQL, the
placeholders' positions, the result converters and the row-to-instance plan. Later calls only convert
the values (as the ORM converts a lookup's value: the field's `get_db_prep_value`), run the SQL through
`connection.cursor()` (so query logging, `CaptureQueriesContext` and `execute_wrapper` see it) and turn
the rows into what the queryset yields: model instances (with `select_related` objects and annotations,
as `ModelIterable` makes them) or tuples (`values_list`).

What the SQL depends on is in the key: the `build` function and its `shape` argument (everything that
changes the SQL's text, e.g. how many ids an `IN` list has; `build(*shape)` must use nothing else), the
database connection (the cache lives on Django's connection object: one per alias and thread, so
vendor, features and server version are its own), and the settings (any `setting_changed`, as tests
send, empties every cache). Models do not change while a process runs. A placeholder never stands for
None (`= NULL` is not `IS NULL`), and a queryset that needs more than rows (prefetching, known related
objects) is refused rather than half done.

On PostgreSQL the `timestamptz` columns of these queries are loaded by psycopg's own loader (C, with
psycopg's binary extension) instead of Django's loader written in Python, where the two give the same
values: Django's parses the text and then sets `tzinfo=connection.timezone`; psycopg's gives the session's
time zone, and with `USE_TZ` and no database `TIME_ZONE` both are `datetime.timezone.utc` (Django sets
the session to UTC when it connects; checked on each query). About 3 microseconds and five Python calls
less per value: the 1,000 comments under a post carry 1,000 dates.

The SQL a placeholder gives differs in form, not meaning, from the ORM's with the value inline:
`= (%s)` instead of `= %s`, and a prefix match (`__startswith`) escapes the value in SQL (Django's
`pattern_ops`, the form it uses for a prefix that is an expression) instead of in Python.
"""

import datetime
import functools
import itertools
import threading

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DateTimeField, Expression
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable, get_related_populators
from django.dispatch import receiver

# More shapes than this per connection are run without being kept (a shape's count is the caller's
# choice, e.g. the number of categories of a post: never from a reader's input, but bounded anyway).
MAX_ENTRIES = 200

_generation = itertools.count()
_current_generation = next(_generation)
_lock = threading.Lock()


@receiver(setting_changed)
def _forget_all(**kwargs):
    global _current_generation
    with _lock:
        _current_generation = next(_generation)


class Param(Expression):
    """Where a value given to `run` goes: `Param("slug", BlogPostPage._meta.get_field("slug"))`.

    The field converts the value as the ORM converts a lookup's value for that field."""

    def __init__(self, name, field):
        super().__init__(output_field=field)
        self.name = name

    def __repr__(self):
        return f"{self.__class__.__name__}({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]

    def get_group_by_cols(self):
        return []


class _Slot:
    __slots__ = ("name", "field")

    def __init__(self, name, field):
        self.name = name
        self.field = field


class CompiledQuery:
    """One queryset's SQL, its placeholders and how its rows become results, for one connection."""

    def __init__(self, queryset, connection):
        self.empty = False
        self.model_plan = None
        self.flat = False
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise TypeError(f"core.compiled: {iterable.__name__} results are not supported")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("core.compiled: prefetch_related() and related managers' querysets are not supported")
        if queryset.db != connection.alias:
            raise TypeError(f"core.compiled: the queryset reads from {queryset.db!r}, not {connection.alias!r}")
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            sql, params = "", ()
        if not sql:
            self.empty = True
            return
        self.sql = sql
        self.params = list(params)
        self.slots = [
            (index, param.name, param.field) for index, param in enumerate(params) if isinstance(param, _Slot)
        ]
        if any(isinstance(param, (list, tuple)) for param in params):
            raise TypeError("core.compiled: nested parameters are not supported")
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise TypeError("core.compiled: composite primary keys are not supported")
        self.converters = compiler.get_converters(fields)
        self.loads_datetimes = connection.vendor == "postgresql" and any(
            isinstance(getattr(field, "output_field", None), DateTimeField) for field in fields
        )
        self.trim = compiler.col_count if compiler.has_extra_select else None
        if iterable is FlatValuesListIterable:
            self.flat = True
        elif iterable is ModelIterable:
            klass_info = compiler.klass_info
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            self.model_plan = (
                klass_info["model"],
                start,
                end,
                [column[0].target.attname for column in compiler.select[start:end]],
                get_related_populators(klass_info, compiler.select, connection.alias),
                list((compiler.annotation_col_map or {}).items()),
            )

    def run(self, connection, values):
        if self.empty:
            return []
        params = self.params.copy()
        for index, name, field in self.slots:
            value = values[name]
            if value is None:
                raise ValueError(f"core.compiled: no value for {name!r} (a placeholder never means NULL)")
            params[index] = field.get_db_prep_value(value, connection, prepared=False)
        with connection.cursor() as cursor:
            if self.loads_datetimes:
                _use_psycopg_timestamptz_loader(connection, cursor)
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.trim is not None:
            rows = [row[: self.trim] for row in rows]
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.flat:
            return [row[0] for row in rows]
        if self.model_plan is None:
            return [tuple(row) for row in rows]
        model, start, end, init_list, related_populators, annotations = self.model_plan
        db = connection.alias
        from_db = model.from_db
        instances = []
        for row in rows:
            instance = from_db(db, init_list, row[start:end])
            for populator in related_populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def _use_psycopg_timestamptz_loader(connection, cursor):
    """psycopg's own `timestamptz` loader for this cursor, where its values are Django's (module docstring)."""
    if not settings.USE_TZ or connection.timezone is not datetime.UTC:
        return
    raw = cursor.cursor
    adapters = getattr(raw, "adapters", None)
    if adapters is None:  # psycopg 2
        return
    if raw.connection.pgconn.parameter_status(b"TimeZone") not in (None, b"UTC"):
        return
    oid, loader = _psycopg_timestamptz_loader()
    adapters.register_loader(oid, loader)


@functools.cache
def _psycopg_timestamptz_loader():
    """psycopg's default text loader of `timestamptz` (its C one with the binary extension)."""
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.adapters.types["timestamptz"].oid
    return oid, psycopg.adapters.get_loader(oid, Format.TEXT)


def run(build, shape=(), using=DEFAULT_DB_ALIAS, **values):
    """The results of `build(*shape)` (a queryset with `Param` placeholders) for these values: a list of
    what iterating it yields, from SQL compiled once per connection and shape."""
    connection = connections[using]
    cache = connection.__dict__.get("_core_compiled")
    if cache is None or cache[0] != _current_generation:
        cache = connection._core_compiled = (_current_generation, {})
    entries = cache[1]
    key = (build, shape)
    compiled = entries.get(key)
    if compiled is None:
        compiled = CompiledQuery(build(*shape), connection)
        if len(entries) < MAX_ENTRIES:
            entries[key] = compiled
    return compiled.run(connection, values)


def run_uncached(queryset, using=DEFAULT_DB_ALIAS, **values):
    """`run` for a queryset built with values that change its SQL (compiled for this call only)."""
    connection = connections[using]
    return CompiledQuery(queryset, connection).run(connection, values)
