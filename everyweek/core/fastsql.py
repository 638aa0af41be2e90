"""Hand-written SQL for the few statements on hot paths (the survey answer, bulk dirty marks,
bulk imports through COPY on PostgreSQL), without the ORM's per-call query compilation, which
costs more CPU than the database does for a one-row statement.

Both helpers go through Django's field machinery, so what is stored and read back is exactly what
`Model.save()` and a queryset would store and read: `pre_save` (auto_now_add) and
`get_db_prep_save` (JSON, dates) on the way in, the backend's and the field's converters on the
way out. Statements and converters are prepared once per model and database vendor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.expressions import Col
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Insert:
    sql: str
    fields: list[Field[Any, Any]]
    returns_pk: bool


_INSERTS: dict[tuple[str, type[Model]], _Insert] = {}


def _insert_statement(model: type[Model]) -> _Insert:
    key = (connection.vendor, model)
    found = _INSERTS.get(key)
    if found is None:
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        auto = bool(getattr(pk, "db_returning", False))  # an AutoField: the database assigns it
        fields = [f for f in meta.concrete_fields if not (auto and f is pk)]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Names come from the model's meta; every value is a parameter.
        sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        if auto:
            sql += f" RETURNING {qn(pk.column)}"
        found = _INSERTS[key] = _Insert(sql, fields, auto)
    return found


_MANY: dict[tuple[str, type[Model], tuple[str, ...]], tuple[str, list[Field[Any, Any]]]] = {}


def insert_many(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Store rows of plain values for these fields with one prepared executemany.

    For bulk writes of small rows (dirty marks), where `bulk_create` spends more on building
    instances and per-value SQL than the database spends storing them. Each value goes through
    its field's `get_db_prep_save`, as a save would; no signals are sent (as `bulk_create`).
    """
    key = (connection.vendor, model, tuple(names))
    found = _MANY.get(key)
    if found is None:
        meta = model._meta
        concrete: list[Field[Any, Any]] = []
        for name in names:
            field = meta.get_field(name)
            assert isinstance(field, Field) and field.concrete, f"{name}: not a plain column"
            concrete.append(field)
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in concrete)
        marks = ", ".join(["%s"] * len(concrete))
        sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        found = _MANY[key] = (sql, concrete)
    sql, prepared = found
    # The connection itself, not the `connection` proxy: each attribute read through the proxy
    # is a thread-local look-up, which halved the cost of preparing a value.
    db = transaction.get_connection()
    params = [
        [f.get_db_prep_save(value, db) for f, value in zip(prepared, row, strict=True)]
        for row in rows
    ]
    if not params:
        return
    if db.vendor == "postgresql":
        # COPY: an executemany costs the server a statement per row (see `copy_rows`).
        qn = db.ops.quote_name
        copy_rows(qn(model._meta.db_table), ", ".join(qn(f.column) for f in prepared), params)
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def copy_rows(
    table: str, columns: str, rows: Iterable[Iterable[Any]], *, on_conflict: str = ""
) -> None:
    """PostgreSQL: store rows with COPY (quoted `table`, quoted comma-separated `columns`).

    An executemany runs the INSERT once per row on the server (~100-200 µs each here, with the
    deferred foreign-key checks); COPY parses one stream. With an ON CONFLICT clause the rows go
    into a temporary staging table first, then into `table` with one INSERT … SELECT; the
    staging table lives as long as the connection and is emptied after each use.
    """
    with connection.cursor() as cursor:
        target = table
        if on_conflict:
            target = connection.ops.quote_name(f"import_staging_{table.strip(chr(34))}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} AS "  # noqa: S608 - quoted names
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
        with cursor.cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        if on_conflict:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} {on_conflict}"  # noqa: S608 - quoted names
            )
            cursor.execute(f"TRUNCATE {target}")


def insert(obj: Model) -> None:
    """Store a new `obj` with one INSERT, as `obj.save(force_insert=True)` would store it.

    `pre_save` and `post_save` are sent as `save_base` sends them (django_tasks_db sets a task's
    `run_after` in one), and the primary key is set when the database assigns it. Only for
    models without parents (one table).
    """
    model = type(obj)
    meta = model._meta
    assert not meta.parents, "fastsql.insert writes one table"
    using = connection.alias
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    statement = _insert_statement(model)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in statement.fields]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returns_pk:
            row = cursor.fetchone()
            assert meta.pk is not None and row is not None
            setattr(obj, meta.pk.attname, row[0])
    obj._state.adding = False
    obj._state.db = using
    post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )


class Reader:
    """Turns raw rows of some of a model's columns into instances, as a queryset would."""

    def __init__(self, model: type[Model], fields: Sequence[Field[Any, Any]]) -> None:
        self.model = model
        # In the model's own order, which `Model.from_db` expects; callers select `self.fields`.
        order = {f: n for n, f in enumerate(model._meta.concrete_fields)}
        self.fields = sorted(fields, key=order.__getitem__)
        self.attnames = [f.attname for f in self.fields]
        table = model._meta.db_table
        self.columns: list[Col] = [f.get_col(table) for f in self.fields]
        self.converters = [
            (col, connection.ops.get_db_converters(col) + f.get_db_converters(connection))  # type: ignore[attr-defined]
            for f, col in zip(self.fields, self.columns, strict=True)
        ]

    def build(self, values: Sequence[Any]) -> Model:
        converted = []
        for (col, functions), value in zip(self.converters, values, strict=True):
            for function in functions:
                value = function(value, col, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)
