"""Insert many rows without building a model instance per row: the import's fast path.

``bulk_create`` spends most of its time creating instances and preparing each value; an
import of 100 000 customers writes about a million rows (phones, history, provenance…).
Here a ``Table`` is prepared once for a model and the columns the caller gives, in order;
each row is a plain tuple of values; the other columns take the field's default, computed
once. Dates and JSON are adapted per column (a datetime repeated on every row is adapted
once), then rows go out as multi-row ``INSERT`` statements (``… RETURNING id`` when the
new ids are needed).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router

# Rows per multi-row INSERT statement, at most (and within the parameter limit).
ROWS_PER_STATEMENT = 500


def _adapter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` is sent to the database; None: as it is."""
    if isinstance(field, models.JSONField):
        return lambda v: connection.ops.adapt_json_value(v, field.encoder or DjangoJSONEncoder)
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        last: list[Any] = [None, None]

        def datetime(value: Any) -> Any:
            # An import stamps every row of a batch with the same moment: adapt it once.
            if value is not last[0]:
                last[0], last[1] = value, adapt(value)
            return last[1]

        return datetime
    if isinstance(field, models.DateField):
        return lambda v: connection.ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v
    return None


def default_of(field: models.Field) -> Any:
    """The value a new row takes for ``field`` when none is given."""
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name}: give a value, it has no default.")


class Table:
    """One model's table, ready to receive tuples of values for ``names`` (attnames).

    ``ready``: columns whose values the caller already adapted with ``adapt`` (a moment
    shared by every row is adapted once per batch instead of once per row).
    """

    def __init__(
        self, model: type[models.Model], names: Sequence[str], *, ready: Sequence[str] = ()
    ) -> None:
        self.model = model
        self.using = router.db_for_write(model)
        connection = connections[self.using]
        self.connection = connection
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = by_attname
        given = [by_attname[n] for n in names]
        others = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in names and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.adapters = [
            (index, adapt)
            for index, adapt in (
                (i, _adapter(f, connection)) for i, f in enumerate(given) if f.attname not in ready
            )
            if adapt is not None
        ]
        tail = []
        for f in others:
            value = default_of(f)
            adapt = _adapter(f, connection)
            tail.append(value if value is None or adapt is None else adapt(value))
        self.tail = tuple(tail)
        self.width = len(given) + len(others)
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(str(f.column)) for f in [*given, *others])
        self.pk_column = quote(str(model._meta.pk.column)) if model._meta.pk else ""
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, _max_params(connection) // self.width))
        self._sql: dict[tuple[int, bool, bool], str] = {}

    def adapt(self, name: str, value: Any) -> Any:
        """``value`` of column ``name`` as the database receives it."""
        adapt = _adapter(self.fields[name], self.connection)
        return value if value is None or adapt is None else adapt(value)

    def _sql_for(self, count: int, returning: bool) -> str:
        # SQLite's own placeholder: Django's SQLite cursor has nothing left to rewrite in a
        # statement of thousands of parameters; but a logging cursor (DEBUG) wants "%s".
        native = self.connection.vendor == "sqlite" and not self.connection.queries_logged
        key = (count, returning, native)
        if key not in self._sql:
            mark = "?" if native else "%s"
            one = "(" + ", ".join([mark] * self.width) + ")"
            # Table and column names come from the model, values are parameters.
            sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {', '.join([one] * count)}"  # noqa: S608
            self._sql[key] = f"{sql} RETURNING {self.pk_column}" if returning else sql
        return self._sql[key]

    def _flat(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """Every value of every row, in order, adapted and completed by the defaults."""
        adapters, tail = self.adapters, self.tail
        flat: list[Any] = []
        extend = flat.extend
        for row in rows:
            if adapters:
                values = list(row)
                for index, adapt in adapters:
                    if values[index] is not None:
                        values[index] = adapt(values[index])
                extend(values)
            else:
                extend(row)
            if tail:
                extend(tail)
        return flat

    def _run(self, rows: Sequence[Sequence[Any]], *, returning: bool) -> list[int]:
        flat = self._flat(rows)
        step = self.per_statement * self.width
        ids: list[int] = []
        with self.connection.cursor() as cursor:
            for start in range(0, len(flat), step):
                params = flat[start : start + step]
                cursor.execute(self._sql_for(len(params) // self.width, returning), params)
                if returning:
                    # Ids grow in the order rows are inserted: sorted, they follow ``rows``.
                    ids.extend(sorted(int(r[0]) for r in cursor.fetchall()))
        return ids

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert the rows (several per statement); their ids are not read back."""
        if rows:
            self._run(rows, returning=False)

    def insert_returning(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Insert the rows and return their new ids, in the order of ``rows``."""
        if not rows:
            return []
        ids = self._run(rows, returning=True)
        if len(ids) != len(rows):
            raise RuntimeError("INSERT … RETURNING did not return one id per row.")
        return ids


def _max_params(connection: Any) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 65535
