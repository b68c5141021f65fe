"""Inserting many validated records, with their history, through PostgreSQL COPY, streamed while
the importer validates them.

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

from academics.history import current_actor

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


class QueryDuringStream(RuntimeError):
    pass


def _refuse_query(*args, **kwargs):
    raise QueryDuringStream(
        "A query ran while new records were streaming into COPY: the rules that validate a "
        "row must read only the related records the import loads (Ref.reads in specs.py)."
    )


class RecordStream:
    """New records of one model streamed into their table with COPY as they are validated: the
    database inserts them (and updates the indexes) while Python checks the next rows. Closing
    the stream ends the COPY and writes one "+" history row per record.

        with RecordStream(Student, count=n) as stream:
            stream.write(instance)      # up to `count` instances; each gets its pk here

    No other query may run on the connection while the stream is open: the COPY holds it, and
    psycopg would wait for it forever. Such a query (a model rule reading a relation the import
    did not load, see `Ref.reads`) raises `QueryDuringStream` instead. Errors surface as
    Django's (an IntegrityError when a unique value was taken meanwhile).
    """

    def __init__(self, model, *, count: int):
        self.model = model
        self.count = count
        # History rows name the current actor (academics/history.py), as ORM writes do.
        self.actor = current_actor()
        meta = model._meta
        self.fields = list(meta.concrete_fields)
        self.pk_attname = meta.pk.attname
        self.values_of = attrgetter(*(f.attname for f in self.fields))
        self.converting = [
            (i, c) for i, c in enumerate(map(_converter, self.fields)) if c is not None
        ]
        # What `pre_save` would do for these fields, with one timestamp for the stream.
        self.stamped = [
            f.attname
            for f in self.fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.written: list[int] = []

    def __enter__(self):
        meta = self.model._meta
        quote = connection.ops.quote_name
        self.now = timezone.now()
        self._cursor = connection.cursor()
        with connection.wrap_database_errors:
            # Primary keys first, so that the history rows can name their records.
            self._cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(meta.db_table), meta.pk.column, self.count],
            )
            self._ids = iter([row[0] for row in self._cursor.fetchall()])
            columns = ", ".join(quote(f.column) for f in self.fields)
            self._copying = self._cursor.cursor.copy(
                f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
            )
            self._copy = self._copying.__enter__()
        connection.cursor = connection.chunked_cursor = _refuse_query
        return self

    def write(self, instance) -> None:
        values = instance.__dict__
        new_id = next(self._ids)
        values[self.pk_attname] = new_id
        for attname in self.stamped:
            values[attname] = self.now
        row = self.values_of(instance)
        if self.converting:
            row = list(row)
            for position, convert in self.converting:
                row[position] = convert(row[position])
        instance._state.adding = False
        self._copy.write_row(row)
        self.written.append(new_id)

    def __exit__(self, exc_type, exc, traceback):
        del connection.cursor, connection.chunked_cursor  # Django's own methods again
        try:
            with connection.wrap_database_errors:
                self._copying.__exit__(exc_type, exc, traceback)
            if exc_type is None and self.written:
                _history_from_table(
                    self.model,
                    self.written,
                    now=self.now,
                    actor=self.actor,
                )
        finally:
            self._cursor.close()


def _history_from_table(model, ids: list[int], *, now, actor) -> None:
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
            "history_type",
            history._meta.get_field("history_user").column,
            "history_actor_type",
            "history_actor_name",
        )
    )
    columns = actor.history_columns() if actor else {}
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
            f"SELECT {source}, %s, '+', %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {pk} IN (SELECT unnest(%s::bigint[])) ORDER BY {pk}",
            [
                now,
                getattr(getattr(actor, "user", None), "pk", None),
                columns.get("history_actor_type", ""),
                columns.get("history_actor_name", ""),
                ids,
            ],
        )
