"""Inserting many validated records, with their history, through PostgreSQL COPY.

`bulk_create_with_history` builds an ORM instance per history row and Django's bulk INSERT
prepares every value in Python; for an import of a hundred thousand rows that is most of the
time (see bench/README.md). This writes the same rows with COPY instead: primary keys are taken
from the table's sequence first (one query), then the database copies the written rows into the
history table (one INSERT ... SELECT), with what simple_history's own bulk helper would write
(every tracked field, the date, the user, the change reason, type "+").
"""

from operator import attrgetter

from django.db import connection
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

# Field types whose Python values psycopg adapts as they are; others go through Django's
# get_db_prep_save.
NATIVE_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "TextField",
        "UUIDField",
    }
)


def _converter(field):
    if field.get_internal_type() in NATIVE_TYPES:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _copy(table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    # The raw psycopg cursor speaks COPY; its errors still surface as Django's (IntegrityError).
    with connection.wrap_database_errors, connection.cursor() as cursor:
        sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def copy_create_with_history(instances: list, model, *, user=None, change_reason: str = "") -> None:
    """Insert `instances` (new, validated) and one "+" history row each; sets their pks."""
    if not instances:
        return
    meta = model._meta
    pk = meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(meta.db_table), pk.column, len(instances)],
        )
        ids = [row[0] for row in cursor.fetchall()]

    fields = list(meta.concrete_fields)
    converting = [(i, c) for i, c in enumerate(map(_converter, fields)) if c is not None]
    values_of = attrgetter(*(f.attname for f in fields))
    now = timezone.now()
    # What `pre_save` would do for these fields, with one timestamp for the chunk.
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    rows = []
    for instance, new_id in zip(instances, ids, strict=True):
        values = instance.__dict__
        values[pk.attname] = new_id
        for attname in stamped:
            values[attname] = now
        row = values_of(instance)
        if converting:
            row = list(row)
            for position, convert in converting:
                row[position] = convert(row[position])
        instance._state.adding = False
        rows.append(row)
    _copy(meta.db_table, [f.column for f in fields], rows)

    _history_from_table(model, ids, now=now, user=user, change_reason=change_reason)


def _history_from_table(model, ids: list[int], *, now, user, change_reason: str) -> None:
    """One "+" history row per record just written, copied by the database from the rows
    themselves: the values as stored, and no second encoding of them in Python."""
    history = get_history_model_for_model(model)
    quote = connection.ops.quote_name
    tracked = [f.attname for f in history.tracked_fields]
    source = ", ".join(quote(model._meta.get_field(name).column) for name in tracked)
    target = ", ".join(
        quote(column)
        for column in (
            *(history._meta.get_field(name).column for name in tracked),
            "history_date",
            "history_change_reason",
            "history_type",
            history._meta.get_field("history_user").column,
        )
    )
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
            f"SELECT {source}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
            f"WHERE {pk} IN (SELECT unnest(%s::bigint[])) ORDER BY {pk}",
            [now, change_reason or None, getattr(user, "pk", None), ids],
        )
