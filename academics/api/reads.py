"""Fast reads. Output: a serializer's readable fields compiled once into column paths and
converters, so that a list page is one `values_list()` query turned into dicts without model
instances (the list endpoints' speed depends on it, see bench/README.md). Input: one record's
query compiled once (`CompiledLookup`), for the reads of a single record and of a record about
to be written.
"""

import datetime
import uuid

from django.db import connection, connections
from django.db.models import F, Func, TextField
from rest_framework import serializers

from academics.api.fields import DateAsTimestampField, timestamp

# The text PostgreSQL writes for a column in a plan's statement, where a row would otherwise be
# parsed into Python objects only to be formatted back (`_converter`): a page of enrollments
# holds dozens of timestamps and uuids. Each gives exactly what its converter gives.
SQL_TEXT = {
    "timestamp": """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
    "date as timestamp": """to_char(%(expressions)s, 'YYYY-MM-DD"T00:00:00.000000Z"')""",
    "uuid": "(%(expressions)s)::text",
}


def _sql_text(field) -> str | None:
    if isinstance(field, DateAsTimestampField):
        return SQL_TEXT["date as timestamp"]
    if isinstance(field, serializers.DateTimeField):
        return SQL_TEXT["timestamp"]
    if isinstance(field, serializers.UUIDField):
        return SQL_TEXT["uuid"]
    return None


def _converter(field):
    """How one readable field's stored value becomes its JSON value (None stays None)."""
    if isinstance(field, DateAsTimestampField):
        return field.to_representation
    if isinstance(field, serializers.DateTimeField):
        return timestamp
    if isinstance(field, serializers.DateField):
        return datetime.date.isoformat
    if isinstance(field, serializers.DecimalField):
        return float
    if isinstance(field, serializers.UUIDField):
        return str
    return None


def check_plain_columns(serializer) -> None:
    """The plan reads stored values as they come from psycopg: a readable field must be a
    column (or a nested summary of columns) whose value needs no `from_db_value`. Raised when
    the serializer class is first planned, not discovered in a wrong answer."""
    model = serializer.Meta.model
    for name, field in serializer.fields.items():
        if field.write_only or isinstance(field, serializers.Serializer):
            continue
        if isinstance(field, serializers.SerializerMethodField) or field.source == "*":
            raise TypeError(f"{type(serializer).__name__}.{name}: a read plan reads columns only")
        target = model._meta.get_field(field.source.split(".")[0])
        if hasattr(target, "from_db_value"):
            raise TypeError(f"{type(serializer).__name__}.{name}: {target} converts its values")


class ReadPlan:
    """`rows(queryset)` fetches exactly the plan's columns with one `values_list()` query
    (relations joined by the ORM) and builds the output dicts; `one(instance)` builds the same
    dict from a model instance. Both give what DRF's `to_representation` would."""

    def __init__(self, serializer):
        check_plain_columns(serializer)
        self.columns: list[str] = []
        self.selected: list = []  # what the statement selects: a column, or its text (SQL_TEXT)
        self.layout = self._compile(serializer.fields, prefix="")
        self._builders: dict[tuple[str, ...], object] = {}

    def _compile(self, fields, prefix):
        layout = []
        for name, field in fields.items():
            if field.write_only:
                continue
            path = prefix + field.source.replace(".", "__")
            if isinstance(field, serializers.Serializer):
                # Nested summary: null when the relation is empty (its uuid column is NULL).
                nested = self._compile(field.fields, path + "__")
                layout.append((name, field.source, len(self.columns) - len(field.fields), nested))
            else:
                layout.append((name, field.source, len(self.columns), _converter(field)))
                self.columns.append(path)
                text = _sql_text(field)
                self.selected.append(
                    path if text is None else Func(F(path), template=text, output_field=TextField())
                )
        return layout

    def rows(self, queryset, extra: tuple[str, ...] = ()) -> list[dict]:
        """The output dicts; `extra` annotations come along under their own names."""
        return self.fetch(self.statement(queryset, extra), extra)

    def statement(self, queryset, extra: tuple[str, ...] = ()) -> tuple[str, tuple]:
        """The SQL and parameters that fetch the plan's columns (and `extra`) of `queryset`."""
        return queryset.values_list(*self.selected, *extra).query.sql_with_params()

    def fetch(self, statement: tuple[str, tuple], extra: tuple[str, ...] = ()) -> list[dict]:
        """Run a `statement()` in the active schema and build the output dicts. The statement
        is prepared on the server once a session has sent it a few times
        (`fetch_prepared`, docs/operations.md)."""
        build = self._builders.get(extra) or self._builder(extra)
        return [build(row) for row in connection.fetch_prepared(*statement)]

    def _builder(self, extra: tuple[str, ...]):
        """One generated `lambda row: {...}` per plan and `extra`: a list page builds 100
        dicts, and one dict display beats a closure looping over the layout by about 15 % of
        the page's build time (0.87 against 1.02 ms per 100 enrollments; bench/README.md). The
        source holds only field names (repr-quoted) and column indices; converters are
        passed in by name, never as source."""
        converters: dict = {}

        def display(layout) -> str:
            items = []
            for name, _source, index, how in layout:
                if isinstance(how, list):
                    value = f"None if row[{index}] is None else {display(how)}"
                elif how is None or not isinstance(self.selected[index], str):
                    value = f"row[{index}]"  # as stored, or already its text
                else:
                    converter = f"convert{len(converters)}"
                    converters[converter] = how
                    value = f"None if row[{index}] is None else {converter}(row[{index}])"
                items.append(f"{name!r}: {value}")
            return "{" + ", ".join(items) + "}"

        width = len(self.columns)
        extras = [(name, name, width + offset, None) for offset, name in enumerate(extra)]
        source = display(self.layout + extras)
        self._builders[extra] = eval(f"lambda row: {source}", converters)
        return self._builders[extra]

    def one(self, instance, layout=None) -> dict:
        out = {}
        for name, source, _index, how in self.layout if layout is None else layout:
            value = instance
            for part in source.split("."):
                value = getattr(value, part) if value is not None else None
            if isinstance(how, list):
                out[name] = None if value is None else self.one(value, how)
            else:
                out[name] = value if how is None or value is None else how(value)
        return out


# `CompiledLookup`s of a connection, at most this many (then forgotten, and compiled again).
MAX_COMPILED_LOOKUPS = 1000


class CompiledLookup:
    """`queryset` narrowed to the rows whose `field_name` is a value, compiled to SQL once and
    run again with each new value. Django compiles a queryset again every time it is evaluated,
    which was about half of reading one enrollment with its relations (0.54 of 1.19 ms,
    bench/README.md); here only the value changes. Django's own iterable still builds the
    model instances, `select_related` ones included, from the rows.

    Compiled for the connection of its queryset's database in this thread, and used only there
    (`for_queryset`): its compiler sends through that connection. The SQL names no schema, so
    it serves every tenant (the search path chooses the tables)."""

    def __init__(self, queryset, field_name: str):
        self.field = queryset.model._meta.get_field(field_name)
        marker = uuid.uuid4()  # a value no request sends: where it lands among the parameters
        self.queryset = queryset.filter(**{field_name: marker})[:2]
        self.compiler = self.queryset.query.get_compiler(using=self.queryset.db)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.index = self.params.index(self._prepared(marker))

    @classmethod
    def for_queryset(cls, key, build, field_name: str) -> "CompiledLookup":
        """The lookup `key` names on the default connection of this thread, compiled from
        `build()` the first time. `key` must name everything the queryset depends on."""
        compiled = connections["default"].__dict__.setdefault("compiled_lookups", {})
        found = compiled.get(key)
        if found is None:
            if len(compiled) >= MAX_COMPILED_LOOKUPS:
                compiled.clear()
            found = compiled[key] = cls(build(), field_name)
        return found

    @staticmethod
    def forget() -> None:
        """Drop this thread's compiled lookups: the next reads compile theirs again."""
        connections["default"].__dict__.pop("compiled_lookups", None)

    def _prepared(self, value):
        return self.field.get_db_prep_value(value, self.compiler.connection)

    def get(self, value):
        """The one row with this value as a model instance, or None."""
        params = [*self.params]
        params[self.index] = self._prepared(self.field.to_python(value))
        statement = (self.sql, tuple(params))
        # Django's iterable asks the query for a compiler and the compiler for its SQL: this
        # run's query is given the compiled one, which answers with this value.
        self.compiler.as_sql = lambda *args, **kwargs: statement
        run = self.queryset._chain()
        run.query.get_compiler = lambda *args, **kwargs: self.compiler
        rows = list(run)
        if len(rows) > 1:
            raise self.queryset.model.MultipleObjectsReturned(f"{len(rows)} rows: {value}")
        return rows[0] if rows else None
