"""`where[...]` filters with operators (docs/api.md, Lists): `where[field]=value` (equality; the
literal `null`: has no value) and `where[field][op]=value`.

Each filter of a resource's FilterSet is a declaration (field path, form field for its values);
which operators it takes follows from the kind of field it filters (`operators_for`). Parsing
is strict: a parameter of any other shape, an empty value, an operator the field does not take,
or a value its form field refuses is a 422 naming the parameter.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django_filters import UUIDFilter

from academics.api import messages as msg
from academics.api.fields import ISO_DATE, ISO_TIMESTAMP, parse_uuid
from academics.api.wording import attribute, message_for

EQUALITY = ("eq", "ne", "in", "not_in", "null")
ORDERING = ("gt", "gte", "lt", "lte")
TEXT_MATCH = ("contains", "starts_with")
OPERATORS_BY_KIND = {
    "text": EQUALITY + TEXT_MATCH,
    "choice": EQUALITY,
    "reference": EQUALITY,
    "uuid": EQUALITY,
    "boolean": ("eq", "ne", "null"),
    "number": EQUALITY + ORDERING,
    "date": EQUALITY + ORDERING,
    "timestamp": EQUALITY + ORDERING,
}
LOOKUPS = {
    "eq": "exact",
    "gt": "gt",
    "gte": "gte",
    "lt": "lt",
    "lte": "lte",
    "contains": "icontains",
    "starts_with": "istartswith",
}
MAX_LIST_VALUES = 100
TRUE, FALSE = "true", "false"
PLAIN_INTEGER = re.compile(r"-?[0-9]+")
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# `where[name]` or `where[name][op]`; anything else under `where` is refused.
WHERE_KEY = re.compile(r"where\[(\w+)\](?:\[(\w+)\])?")


def field_kind(model, filter_) -> str:
    """The kind of field a filter compares, which decides its operators."""
    if isinstance(filter_, UUIDFilter) and "__" in filter_.field_name:
        return "reference"
    field = _model_field(model, filter_.field_name)
    if field.choices:
        return "choice"
    for kind, classes in (
        ("boolean", models.BooleanField),
        ("number", models.IntegerField | models.DecimalField | models.FloatField),
        ("timestamp", models.DateTimeField),
        ("date", models.DateField),
        ("uuid", models.UUIDField),
    ):
        if isinstance(field, classes):
            return kind
    return "text"


def _model_field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def operators_for(filterset_class) -> dict[str, tuple[str, ...]]:
    model = filterset_class._meta.model
    return {
        name: OPERATORS_BY_KIND[field_kind(model, filter_)]
        for name, filter_ in filterset_class.base_filters.items()
    }


def is_where(key: str) -> bool:
    return key == "where" or key.startswith("where[")


def where_conditions(params, filterset_class) -> tuple[Q, dict[str, list[str]]]:
    """The `where[...]` parameters of `params` as one condition (ANDed), and the errors."""
    condition, errors = Q(), {}
    operators = filterset_class.operators
    for key in params:
        if not is_where(key):
            continue
        match = WHERE_KEY.fullmatch(key)
        name, op = (match.group(1), match.group(2) or "eq") if match else (None, None)
        values = params.getlist(key)
        if name not in operators or op not in operators[name]:
            errors[key] = [msg.FILTER_NOT_ALLOWED.format(attribute=key)]
        elif len(values) != 1:
            errors[key] = [msg.FILTER_ONE_VALUE.format(attribute=key)]
        elif values[0].strip() == "":  # blank is no value, as in a body: never "no filter"
            errors[key] = [msg.FILLED.format(attribute=attribute(key))]
        elif "\x00" in values[0]:  # PostgreSQL text cannot hold it
            errors[key] = [msg.NULL_CHARACTERS.format(attribute=key)]
        else:
            filter_ = filterset_class.base_filters[name]
            kind = field_kind(filterset_class._meta.model, filter_)
            if kind == "number":
                target = _model_field(filterset_class._meta.model, filter_.field_name)
                kind = "integer" if isinstance(target, models.IntegerField) else "decimal"
            try:
                condition &= _condition(filter_, kind, op, values[0], key)
            except ValidationError as error:
                errors[key] = [
                    message_for(problem.code, key, filter_.field, problem.messages[0])
                    for problem in error.error_list
                ]
    return condition, errors


def _condition(filter_, kind: str, op: str, raw: str, key: str) -> Q:
    path = filter_.field_name
    if op == "null" or (op == "eq" and raw == "null"):
        wanted = TRUE if op == "eq" else raw
        if wanted not in (TRUE, FALSE):
            raise ValidationError(msg.BOOLEAN.format(attribute=attribute(key)), code="boolean")
        # Text has one spelling of "no value" per column, NULL or ''; both mean none here.
        empty = Q(**{f"{path}__isnull": True})
        if kind == "text":
            empty |= Q(**{path: ""})
        return empty if wanted == TRUE else ~empty
    if op in ("in", "not_in"):
        parts = raw.split(",")
        if len(parts) > MAX_LIST_VALUES:
            raise ValidationError(
                msg.MAX_ITEMS.format(attribute=attribute(key), max=MAX_LIST_VALUES),
                code="max_items",
            )
        values = [_value(filter_, kind, part.strip(" "), key) for part in parts]
        if filter_.lookup_expr == "iexact":  # compared whatever the case, by its index
            found = Q(In(Lower(path), [value.lower() for value in values]))
        else:
            found = Q(**{f"{path}__in": values})
        return found if op == "in" else ~found
    value = _value(filter_, kind, raw, key)
    lookup = LOOKUPS.get(op, "exact")
    if lookup == "exact" and filter_.lookup_expr == "iexact":
        lookup = "iexact"
    found = Q(**{f"{path}__{lookup}": value})
    return ~found if op == "ne" else found


def _value(filter_, kind: str, raw: str, key: str):
    """One value, cleaned by the filter's form field; numbers in plain ASCII digits."""
    if raw.strip() == "":
        raise ValidationError(msg.FILLED.format(attribute=attribute(key)), code="filled")
    if kind == "integer" and not PLAIN_INTEGER.fullmatch(raw):
        raise ValidationError(msg.INTEGER.format(attribute=attribute(key)), code="integer")
    if kind == "decimal" and not PLAIN_DECIMAL.fullmatch(raw):
        raise ValidationError(msg.NUMERIC.format(attribute=attribute(key)), code="numeric")
    if kind == "date" and not ISO_DATE.fullmatch(raw):
        raise ValidationError(msg.DATE.format(attribute=attribute(key)), code="invalid")
    if kind == "timestamp" and not (ISO_DATE.fullmatch(raw) or ISO_TIMESTAMP.fullmatch(raw)):
        raise ValidationError(msg.DATE.format(attribute=attribute(key)), code="invalid")
    if kind == "timestamp" and raw.endswith("z"):  # RFC 3339's lowercase UTC designator
        raw = f"{raw[:-1]}Z"
    if kind in ("uuid", "reference") and parse_uuid(raw) is None:
        raise ValidationError(msg.UUID.format(attribute=attribute(key)), code="invalid")
    if kind == "boolean":
        if raw not in (TRUE, FALSE):
            raise ValidationError(msg.BOOLEAN.format(attribute=attribute(key)), code="boolean")
        return raw == TRUE
    field = filter_.field
    try:
        value = field.clean(raw)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC)
    except OverflowError as error:  # a timestamp outside years 1-9999 once in UTC
        raise ValidationError(msg.DATE.format(attribute=attribute(key)), code="invalid") from error
    if isinstance(field, forms.ChoiceField) and value in (None, ""):
        raise ValidationError(
            msg.SELECTED_INVALID.format(attribute=attribute(key)), code="invalid_choice"
        )
    return value
