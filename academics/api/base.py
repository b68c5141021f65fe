"""The API contract (docs/api.md), implemented once for every resource.

Resources are derived from the record registry (`academics.records`): `serializers.py`,
`filters.py` and `views.py` build each resource's serializer, filterset and viewset from its
entry. Everything they share lives here and beside it:

- transport (`transport.py`): JSON in and out, every error in the contract's envelope;
- wording (`wording.py`): validation messages in Laravel wording;
- fields (`fields.py`) and fast output (`reads.py`: a serializer's readable fields compiled once
  into a plan, so that a list page is one query turned into dicts without model instances);
- lists (`lists.py`): `where[...]` / `sort[...]` / `search` on django-filter, pagination;
- writes (here): validation through the model rules (`academics.services.record_save`), errors
  mapped back to API field names, soft delete with deletion protection, all-or-nothing batch
  destroy;
- safe writes (docs/api.md, Safe writes): `ETag` from the record's revision, `If-Match` /
  `If-None-Match` (`preconditions.py`), `Idempotency-Key` on creates and batch destroys
  (`idempotency.py`).
"""

import copy
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import SkipField
from rest_framework.response import Response
from rest_framework.settings import api_settings

from academics.api import messages as api_msg
from academics.api.fields import (
    CANONICAL_UUID,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    TextField,
    UrlField,
    UuidField,
    UuidReferenceField,
    parse_uuid,
    timestamp,
)
from academics.api.fields import Choice as ChoiceField
from academics.api.history import HistoryFormat, history_action, history_actor
from academics.api.idempotency import idempotent
from academics.api.lists import TOTAL, ContractFilterBackend, PagePagination
from academics.api.preconditions import etag_of, if_match, if_none_match_hits
from academics.api.reads import CompiledLookup, ReadPlan
from academics.api.wording import invalid, message_for, model_field_of, serializer_errors
from academics.history import Actor, acting_as
from academics.records import RecordType
from academics.selectors import live_records
from academics.services import RecordGone, record_check, record_save, records_soft_delete

MAX_BATCH = 1000


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
        models.UUIDField: UuidField,
        models.DateField: DateField,
        models.IntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.DecimalField: DecimalField,
    }
    serializer_choice_field = ChoiceField

    class Meta:
        # Uniqueness is a model rule (partial unique constraints); DRF must not guess it.
        validators = []

    _plan: ReadPlan

    def __init_subclass__(cls, **kwargs):
        # Compiled when the class is defined, so that a field the plan cannot read (one that
        # is not a plain column) fails at import, not in a wrong answer.
        super().__init_subclass__(**kwargs)
        if getattr(cls.Meta, "model", None) is not None:
            cls._plan = ReadPlan(cls())

    def get_fields(self):
        """DRF's fields, built from the model once per class; each serializer gets shallow
        copies and binds them to itself. Building them (field mapping, model introspection, a
        deep copy of every declared field) took 0.21 ms of every write, copying takes 0.08 ms.
        A field keeps nothing of a request but its binding (parent, name, source)."""
        prototypes = type(self).__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            type(self)._field_prototypes = prototypes
        return {name: copy.copy(field) for name, field in prototypes.items()}

    @classmethod
    def plan(cls) -> ReadPlan:
        return cls._plan

    @classmethod
    def rows(cls, queryset, extra: tuple[str, ...] = ()) -> list[dict]:
        return cls.plan().rows(queryset, extra)

    def to_representation(self, instance):
        return self.plan().one(instance)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise invalid({api_settings.NON_FIELD_ERRORS_KEY: [api_msg.OBJECT]})
        self.references = self._references_of(data)
        try:
            return super().to_internal_value(data)
        except exceptions.ValidationError as error:
            # Every problem at once (docs/api.md, Errors): the type errors, and the model rules
            # on the values that passed (a future date_of_birth next to a malformed email).
            errors = serializer_errors(self, error.detail)
            for name, problems in self._rule_errors(data, refused=set(errors)).items():
                errors.setdefault(name, problems)
            raise invalid(errors) from error

    def _references_of(self, data) -> dict:
        """The records the body's references name, by (model, uuid), found in one round trip
        when there are several (`live_records`); a missing one is None."""
        wanted = {}
        for field in self._writable_fields:
            if isinstance(field, UuidReferenceField):
                value = parse_uuid(data.get(field.field_name))
                if value is not None:
                    wanted[field.queryset.model, value] = None
        if len(wanted) < 2:
            return {}
        return dict(zip(wanted, live_records(list(wanted)), strict=True))

    def _rule_errors(self, data, refused: set[str]) -> dict:
        """The model rules' errors of the record as `data` would make it, without the fields
        whose values were `refused`."""
        record = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        excluded = set()
        for field in self._writable_fields:
            if field.field_name in refused:
                excluded.add(field.source)
                continue
            try:
                setattr(record, field.source, field.run_validation(field.get_value(data)))
            except (exceptions.ValidationError, SkipField):
                continue
        try:
            record_check(record=record, exclude=excluded)
        except DjangoValidationError as error:
            return self._model_errors(error)
        return {}

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, record, validated_data):
        for name, value in validated_data.items():
            setattr(record, name, value)
        try:
            return record_save(
                record=record,
                expected_revision=self.context.get("if_match"),
                row_locked=self.context.get("row_locked", False),
            )
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

    record: RecordType
    lookup_field = "uuid"
    lookup_value_regex = CANONICAL_UUID.pattern
    sort_fields: tuple[str, ...] = ("created_at",)
    search_fields: tuple[str, ...] = ()
    filter_backends = [ContractFilterBackend]
    pagination_class = PagePagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The API client acts (academics/history.py); reset when `dispatch` returns.
        self._acting = acting_as(Actor.api_client(request.user.name))
        self._acting.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        acting = getattr(self, "_acting", None)
        if acting is not None:
            self._acting = None
            acting.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)

    def __init_subclass__(cls, **kwargs):
        # `list` memoizes SQL by query string alone: a resource whose rows depended on the
        # request in any other way (its own queryset or filtering) would be served another
        # request's rows. Such a resource must not inherit the memo silently.
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "filter_queryset", "paginate_queryset"):
            if name in cls.__dict__:
                raise TypeError(f"{cls.__name__}.{name}: list statements are memoized by query")

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
        try:
            statement = plan.statement(page, (TOTAL,))
        except EmptyResultSet:  # conditions no row can meet, e.g. where[created_at]=null
            return self.get_paginated_response([])
        if len(_LIST_STATEMENTS) >= MAX_LIST_STATEMENTS:
            _LIST_STATEMENTS.clear()
        _LIST_STATEMENTS[key] = ListStatement(
            statement, page=self.paginator.page, per_page=self.paginator.per_page
        )
        return self.get_paginated_response(plan.fetch(statement, (TOTAL,)))

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "if_match": getattr(self, "if_match", None),
            "row_locked": getattr(self, "row_locked", False),
        }

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
        # One transaction from the reading on: the row is locked as it is read, so If-Match and
        # the write are checked against the row as it is now, with one statement fewer than a
        # read followed by a lock (`record_save(row_locked=True)`).
        with transaction.atomic():
            record = self.get_object_for_write()
            self.if_match = if_match(request, record)
            serializer = self.get_serializer(
                record, data=request.data, partial=kwargs.pop("partial", False)
            )
            serializer.is_valid(raise_exception=True)
            record = serializer.save()
        return Response({"data": serializer.data}, headers={"ETag": etag_of(record)})

    def get_object(self):
        return self._record(for_write=False)

    def get_object_for_write(self):
        """`get_object`, the record's row locked for writing (`LiveQuerySet.for_write`) until
        the caller's transaction ends."""
        record = self._record(for_write=True)
        self.row_locked = True
        return record

    def _record(self, for_write: bool):
        """The record the URL names, or a 404. Its query is a function of the viewset, the
        lock and the query parameters alone (as a list's, see `list`), so it is compiled once
        per distinct query string (`CompiledLookup`)."""

        def queryset():
            found = self.filter_queryset(self.get_queryset())
            return found.for_write() if for_write else found

        params = sorted((name, tuple(values)) for name, values in self.request.query_params.lists())
        try:
            lookup = CompiledLookup.for_queryset(
                (type(self), for_write, tuple(params)), queryset, self.lookup_field
            )
        except EmptyResultSet:  # conditions no row can meet, e.g. where[created_at]=null
            raise Http404 from None
        record = lookup.get(self.kwargs[self.lookup_field])
        if record is None:
            raise Http404
        self.check_object_permissions(self.request, record)
        return record

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
            if (key := parse_uuid(value)) is not None:
                parsed[key] = value
            else:
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

    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        """The record's changes, newest first, paginated like a list; soft-deleted records
        too (docs/api.md, History)."""
        record = get_object_or_404(self.record.model.all_objects, uuid=kwargs["uuid"])
        self.paginator.check_parameters(request)
        page, per_page = self.paginator.page, self.paginator.per_page
        entries = record.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        total = entries.count()
        offset = (page - 1) * per_page
        window = list(entries[offset : offset + per_page + 1])
        shown = window[:per_page]
        older = window[per_page] if len(window) > per_page else None
        changes = HistoryFormat(self.record, self.get_serializer_class().plan()).changes(
            [*shown, older]
        )
        followers = [*shown[1:], older][: len(shown)]
        data = [
            {
                "action": history_action(entry, previous),
                "occurred_at": timestamp(entry.history_date),
                "actor": history_actor(entry),
                "reason": entry.history_change_reason or None,
                "changes": changed,
            }
            for entry, previous, changed in zip(shown, followers, changes, strict=True)
        ]
        return Response({"data": data, "meta": self.paginator.meta(len(data), total)})

    def _soft_delete(self, records, expected_revisions=None):
        records_soft_delete(records=records, expected_revisions=expected_revisions)
