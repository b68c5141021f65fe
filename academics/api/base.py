"""The API contract (CONTRACT.md §4 to §6), implemented once for every resource.

Leaf modules only declare: a `RecordSerializer` (fields, `<entity>_uuid` references, nested
summaries), a `RecordFilterSet` (the `where[...]` allow-list) and a `RecordViewSet` (queryset,
sortable columns, searched columns). Everything else lives here:

- transport (`transport.py`): JSON in and out, every error in the contract's envelope;
- wording (`wording.py`): validation messages in Laravel wording;
- reads: the representation plan — the serializer's readable fields compiled once into column
  paths and converters, so that a list page is one `values_list()` query turned into dicts
  without building model instances (the list endpoints' speed depends on it);
- lists (`lists.py`): `where[...]` / `sort[...]` / `search` on django-filter, pagination;
- writes: validation through the model rules (`academics.services.record_save`), errors mapped
  back to API field names, soft delete with deletion protection, all-or-nothing batch destroy;
- safe writes (CONTRACT.md §9): `ETag` from the record's revision, `If-Match` /
  `If-None-Match` (`preconditions.py`), `Idempotency-Key` on creates and batch destroys
  (`idempotency.py`).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, models
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from academics.api import messages as api_msg
from academics.api.idempotency import idempotent
from academics.api.lists import TOTAL, ContractFilterBackend, PagePagination
from academics.api.preconditions import etag_of, if_match, if_none_match_hits
from academics.api.wording import invalid, message_for, model_field_of, serializer_errors
from academics.services import RecordGone, record_save, records_soft_delete

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_BATCH = 1000


# --- Fields ----------------------------------------------------------------------------------


class _Text:
    """Trimmed text where "no value" has one spelling: NULL when the column allows it, else ''.
    A number is not text (no silent `str(12)`)."""

    def run_validation(self, data=serializers.empty):
        if data is None and self.allow_blank and not self.allow_null:
            data = ""
        value = super().run_validation(data)
        if value == "" and self.allow_null:
            return None
        return value

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(_Text, serializers.CharField):
    pass


class EmailField(_Text, serializers.EmailField):
    pass


class UrlField(_Text, serializers.URLField):
    pass


class Choice(serializers.ChoiceField):
    """An enum whose "no value" is NULL where the column allows it (`modality`), never ''."""

    def run_validation(self, data=serializers.empty):
        if data == "" and self.allow_null:
            return None
        return super().run_validation(data)


class DateAsTimestampField(serializers.DateField):
    """A date shown as a midnight-UTC timestamp (as DokStamp shows enrollment dates); accepts a
    date or, so that a client can send back what it read, a timestamp."""

    def to_internal_value(self, value):
        text = value.strip() if isinstance(value, str) else ""
        try:
            parsed = parse_date(text) if len(text) == 10 else None
            stamp = None if parsed else parse_datetime(text)
        except ValueError:  # well-formed but impossible, e.g. month 13
            parsed = stamp = None
        if stamp is not None:
            parsed = stamp.astimezone(datetime.UTC).date() if stamp.tzinfo else stamp.date()
        if parsed is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return parsed

    def to_representation(self, value):
        return None if value is None else f"{value.isoformat()}T00:00:00.000000Z"


class UuidReferenceField(serializers.SlugRelatedField):
    """`<entity>_uuid` in a body: a live record of the request's tenant (the queryset is the
    model's default manager, which hides soft-deleted rows, in the active schema)."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("write_only", True)
        super().__init__(slug_field="uuid", queryset=model.objects.all(), **kwargs)

    def to_internal_value(self, data):
        try:
            uuid.UUID(str(data))
        except ValueError:
            self.fail("invalid")
        return super().to_internal_value(str(data))


class Summary(serializers.Serializer):
    """A related record's short form in output, e.g. `course: {"uuid", "name"}`; read-only."""

    def __init__(self, *names, **kwargs):
        self.names = names
        super().__init__(read_only=True, **kwargs)

    def get_fields(self):
        return {
            name: serializers.UUIDField() if name == "uuid" else serializers.CharField()
            for name in self.names
        }


# --- Serializers -----------------------------------------------------------------------------


def _timestamp(value):
    return value.astimezone(datetime.UTC).strftime(TIMESTAMP_FORMAT)


def _converter(field):
    """How one readable field's stored value becomes its JSON value (None stays None)."""
    if isinstance(field, DateAsTimestampField):
        return field.to_representation
    if isinstance(field, serializers.DateTimeField):
        return _timestamp
    if isinstance(field, serializers.DateField):
        return datetime.date.isoformat
    if isinstance(field, serializers.DecimalField):
        return float
    if isinstance(field, serializers.UUIDField):
        return str
    return None


class ReadPlan:
    """A serializer's readable fields compiled once: column paths and converters.

    `rows(queryset)` fetches exactly those columns with one `values_list()` query (relations
    joined by the ORM) and builds the output dicts; `one(instance)` builds the same dict from a
    model instance. Both give what DRF's `to_representation` would, several times faster.
    """

    def __init__(self, serializer):
        self.columns: list[str] = []
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
        return layout

    def rows(self, queryset, extra: tuple[str, ...] = ()) -> list[dict]:
        """The output dicts; `extra` annotations come along under their own names."""
        return self.fetch(self.statement(queryset, extra), extra)

    def statement(self, queryset, extra: tuple[str, ...] = ()) -> tuple[str, tuple]:
        """The SQL and parameters that fetch the plan's columns (and `extra`) of `queryset`."""
        return queryset.values_list(*self.columns, *extra).query.sql_with_params()

    def fetch(self, statement: tuple[str, tuple], extra: tuple[str, ...] = ()) -> list[dict]:
        """Run a `statement()` in the active schema and build the output dicts. The columns
        need no conversion beyond psycopg's (no field of the plan has a `from_db_value`)."""
        build = self._builders.get(extra) or self._builder(extra)
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return [build(row) for row in cursor.fetchall()]

    def _builder(self, extra: tuple[str, ...]):
        """One generated `lambda row: {...}` per plan: a list page builds 100 dicts, and a
        single dict display beats a loop over the layout about threefold. The source holds
        only field names (repr-quoted) and column indices; converters are passed by name."""
        converters: dict = {}

        def display(layout) -> str:
            items = []
            for name, _source, index, how in layout:
                if isinstance(how, list):
                    value = f"None if row[{index}] is None else {display(how)}"
                elif how is None:
                    value = f"row[{index}]"
                else:
                    converter = f"convert{len(converters)}"
                    converters[converter] = how
                    value = f"None if row[{index}] is None else {converter}(row[{index}])"
                items.append(f"{name!r}: {value}")
            return "{" + ", ".join(items) + "}"

        width = len(self.columns)
        extras = [(name, width + offset, None) for offset, name in enumerate(extra)]
        source = display(self.layout + [(name, name, index, how) for name, index, how in extras])
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


class RecordSerializer(serializers.ModelSerializer):
    """Base of the resource serializers: validation through the model rules, fast output.

    - Type checks (required, text length, number, date, choice, reference) are DRF's; their
      messages are rewritten in Laravel wording. Every other rule is the model's: `save()` goes
      through `record_save` (full_clean), and its errors come back on the API field names
      (model field `course` -> `course_uuid`).
    - Output comes from the compiled `ReadPlan`, for one instance or for a whole queryset.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.EmailField: EmailField,
        models.URLField: UrlField,
    }
    serializer_choice_field = Choice

    class Meta:
        # Uniqueness is a model rule (partial unique constraints); DRF must not guess it.
        validators = []

    _plans: dict[type, ReadPlan] = {}

    @classmethod
    def plan(cls) -> ReadPlan:
        if cls not in RecordSerializer._plans:
            RecordSerializer._plans[cls] = ReadPlan(cls())
        return RecordSerializer._plans[cls]

    @classmethod
    def rows(cls, queryset, extra: tuple[str, ...] = ()) -> list[dict]:
        return cls.plan().rows(queryset, extra)

    def to_representation(self, instance):
        return self.plan().one(instance)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise invalid({api_settings.NON_FIELD_ERRORS_KEY: [api_msg.OBJECT]})
        try:
            return super().to_internal_value(data)
        except exceptions.ValidationError as error:
            raise invalid(serializer_errors(self, error.detail)) from error

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, record, validated_data):
        for name, value in validated_data.items():
            setattr(record, name, value)
        history_attribution(record, self.context.get("request"))
        try:
            return record_save(record=record, expected_revision=self.context.get("if_match"))
        except DjangoValidationError as error:
            raise invalid(self._model_errors(error)) from error

    def _model_errors(self, error: DjangoValidationError) -> dict:
        """The model's errors keyed by API field: a field's own key, else its source's."""
        writable = {name: field for name, field in self.fields.items() if not field.read_only}
        api_names = {field.source: name for name, field in writable.items()}
        api_names.update({name: name for name in writable})
        if hasattr(error, "error_dict"):
            by_field = error.error_dict
        else:
            by_field = {NON_FIELD_ERRORS: error.error_list}
        errors: dict[str, list[str]] = {}
        for model_name, problems in by_field.items():
            name = api_names.get(model_name, api_settings.NON_FIELD_ERRORS_KEY)
            field = self.fields.get(name)
            model_field = model_field_of(self.Meta.model, model_name)
            for problem in problems:
                text = problem.message % problem.params if problem.params else problem.message
                errors.setdefault(name, []).append(
                    message_for(problem.code, name, field, text, model_field)
                )
        return errors


def history_attribution(record, request) -> None:
    """Name the API client in the record's history. The client is not a staff user, so the
    history's user column stays empty (simple-history would otherwise take `request.user`)."""
    record._history_user = None
    client = getattr(request, "user", None)
    if client is not None and getattr(client, "name", None):
        record._change_reason = f"API client: {client.name}"[:100]


# --- Views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListStatement:
    statement: tuple[str, tuple]
    page: int
    per_page: int


# Compiled list statements of this process, by viewset and query parameters (see `list`).
_LIST_STATEMENTS: dict[tuple, ListStatement] = {}
MAX_LIST_STATEMENTS = 1000


class RecordViewSet(viewsets.ModelViewSet):
    """list / create / retrieve / update (PUT) / partial_update (PATCH) / destroy (soft) and
    `DELETE batch/destroy`, for the resource a leaf names with `queryset` (its select_related
    included), `serializer_class`, `filterset_class`, `sort_fields` and `search_fields`."""

    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
    sort_fields: tuple[str, ...] = ("created_at",)
    search_fields: tuple[str, ...] = ()
    filter_backends = [ContractFilterBackend]
    pagination_class = PagePagination

    def list(self, request, *args, **kwargs):
        """A list's SQL is a function of its query parameters alone (names are unqualified:
        the tenant is the connection's search path), so it is compiled once per distinct
        query string and reused: building and compiling the queryset is most of a list's
        Python time. Only valid parameters reach the memo; an empty page takes the full path,
        which counts the total."""
        plan = self.get_serializer_class().plan()
        params = sorted((name, tuple(values)) for name, values in request.query_params.lists())
        key = (type(self), tuple(params))
        memo = _LIST_STATEMENTS.get(key)
        if memo is not None:
            rows = plan.fetch(memo.statement, (TOTAL,))
            if rows:
                self.paginator.resume(page=memo.page, per_page=memo.per_page)
                return self.get_paginated_response(rows)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        statement = plan.statement(page, (TOTAL,))
        if len(_LIST_STATEMENTS) >= MAX_LIST_STATEMENTS:
            _LIST_STATEMENTS.clear()
        _LIST_STATEMENTS[key] = ListStatement(
            statement, page=self.paginator.page, per_page=self.paginator.per_page
        )
        return self.get_paginated_response(plan.fetch(statement, (TOTAL,)))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "if_match": getattr(self, "if_match", None)}

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        headers = {"ETag": etag_of(record)}
        if if_none_match_hits(request, record):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        return Response({"data": self.get_serializer(record).data}, headers=headers)

    def create(self, request, *args, **kwargs):
        return idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        return Response(
            {"data": serializer.data},
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(record)},
        )

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        self.if_match = if_match(request, record)
        serializer = self.get_serializer(
            record, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        record = serializer.save()
        return Response({"data": serializer.data}, headers={"ETag": etag_of(record)})

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        self._soft_delete([record], {record.pk: if_match(request, record)})
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["delete"], url_path="batch/destroy")
    def batch_destroy(self, request, *args, **kwargs):
        return idempotent(self, request, lambda: self._batch_destroy(request))

    def _batch_destroy(self, request):
        """All or nothing: every uuid must name a live record of this tenant."""
        wanted = request.data.get("uuids") if isinstance(request.data, dict) else None
        if wanted is None or wanted == []:
            raise invalid({"uuids": [api_msg.REQUIRED.format(attribute="uuids")]})
        if not isinstance(wanted, list):
            raise invalid({"uuids": [api_msg.ARRAY.format(attribute="uuids")]})
        if len(wanted) > MAX_BATCH:
            raise invalid({"uuids": [api_msg.MAX_ITEMS.format(attribute="uuids", max=MAX_BATCH)]})
        parsed, unknown = {}, []
        for value in dict.fromkeys(map(str, wanted)):
            try:
                parsed[uuid.UUID(value)] = value
            except ValueError:
                unknown.append(value)
        records = list(self.get_queryset().filter(uuid__in=parsed))
        found = {record.uuid for record in records}
        unknown += [text for key, text in parsed.items() if key not in found]
        if unknown:
            raise invalid({"uuids": [api_msg.UUIDS_UNKNOWN.format(uuids=", ".join(unknown))]})
        try:
            self._soft_delete(records)
        except RecordGone as gone:  # deleted by another request meanwhile
            texts = ", ".join(parsed[record.uuid] for record in gone.records)
            raise invalid({"uuids": [api_msg.UUIDS_UNKNOWN.format(uuids=texts)]}) from gone
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _soft_delete(self, records, expected_revisions=None):
        for record in records:
            history_attribution(record, self.request)
        records_soft_delete(records=records, expected_revisions=expected_revisions)
