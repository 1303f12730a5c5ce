"""Insert many rows without building a model instance per row: the import's fast path.

``bulk_create`` spends most of its time creating instances and preparing each value; an
import of 100 000 customers writes about a million rows (phones, history, provenance…).
Here each row is a dict of field values; missing fields take the field's default; values
are adapted per column once, then sent with one ``executemany`` per chunk. Only for rows
whose id is not needed afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router

CHUNK = 5000


def _adapter(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return lambda v: connection.ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else bool(v)
    return lambda v: v


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]
    defaults = {f.attname: f.get_default() for f in fields if f.has_default() or f.null}
    adapters = [_adapter(f, connection) for f in fields]
    names = [f.attname for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    values = []
    for row in rows:
        item = []
        for name, adapt in zip(names, adapters, strict=True):
            value = row[name] if name in row else defaults.get(name, "")
            item.append(None if value is None else adapt(value))
        values.append(item)
    with connection.cursor() as cursor:
        for start in range(0, len(values), CHUNK):
            cursor.executemany(sql, values[start : start + CHUNK])
