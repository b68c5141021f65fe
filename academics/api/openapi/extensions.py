"""drf-spectacular extensions for what the views declare in our own terms: the bearer and
client-credentials schemes, `where[...]` filters with their operators, pagination, summaries and
dates shown as timestamps."""

import re

from django import forms
from django.conf import settings
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiFilterExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_parameter_type
from rest_framework.permissions import SAFE_METHODS

from academics.api.fields import CANONICAL_UUID, PLAIN_INTEGER
from academics.api.openapi.components import BEARER, DATE, OAUTH2, TOKEN_URL, UUID, page_parameters
from academics.api.openapi.hooks import NO_NUL
from academics.api.where import MAX_LIST_VALUES
from academics.records import record_type

# --- Extensions --------------------------------------------------------------------------------


class TenantBearerScheme(OpenApiAuthenticationExtension):
    """A bearer token, got from the token endpoint with OAuth2 client credentials. Both forms
    are offered so that the interactive docs can take a pasted token or fetch one."""

    target_class = "academics.api.authentication.TenantBearerAuthentication"
    name = [BEARER, OAUTH2]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": f"A token from `POST {TOKEN_URL}`; send X-Tenant as well.",
            },
            {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": TOKEN_URL,
                        "scopes": settings.OAUTH2_PROVIDER["SCOPES"],
                    }
                },
            },
        ]

    def get_security_requirement(self, auto_schema):
        scope = "read" if auto_schema.method in SAFE_METHODS else "write"
        return [{BEARER: []}, {OAUTH2: [scope]}]


def _value_schema(name, form_field) -> dict:
    """The schema of one value of filter `name`, from the filter's form field."""
    if isinstance(form_field, forms.UUIDField):
        return UUID
    if isinstance(form_field, forms.ChoiceField):
        return {"type": "string", "enum": [v for v, _label in form_field.choices if v != ""]}
    if isinstance(form_field, forms.IntegerField):
        return {"type": "integer"}
    if isinstance(form_field, forms.DecimalField):
        # Text, not a JSON number: a query says `8.5`, never `8.5e0` (docs/api.md, Lists).
        whole = form_field.max_digits - form_field.decimal_places
        return {
            "type": "string",
            "pattern": f"^-?[0-9]{{1,{whole}}}(?:\\.[0-9]{{1,{form_field.decimal_places}}})?$",
        }
    if isinstance(form_field, forms.DateTimeField):
        return {"anyOf": [{"type": "string", "format": "date-time"}, DATE]}
    if isinstance(form_field, forms.DateField):
        return DATE
    if type(form_field) is forms.CharField:
        return {"type": "string", "pattern": _anchored(TEXT_ITEM.replace(",", ""))}
    warn(f"where[{name}]: no schema for the filter's {type(form_field).__name__}")
    return {"type": "string"}


NULL_LITERAL = {"type": "string", "enum": ["null"]}
# What a value in a query accepts, as patterns (docs/api.md, Lists): text that is not blank and
# holds no NUL; calendar dates `YYYY-MM-DD` (years 0001-9999, leap days included); timestamps
# as the server reads them; plain ASCII numbers; canonical uuids.
TEXT_ITEM = r"[^,\x00]*[^\s,\x00][^,\x00]*"
_YEAR = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP = r"(?:0[48]|[2468][048]|[13579][26])"
_LEAP_DAY = rf"(?:[0-9]{{2}}{_LEAP}|{_LEAP}00)-02-29"
DATE_ITEM = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
TIMESTAMP_ITEM = (
    rf"{DATE_ITEM}(?:[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{{1,6}})?)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?"
)
UUID_ITEM = CANONICAL_UUID.pattern


def _anchored(item: str) -> str:
    return f"^{item}$"


def _list_of(item: str) -> str:
    """Comma-separated values, spaces around each allowed, at most MAX_LIST_VALUES."""
    return f"^ *{item} *(?:, *{item} *){{0,{MAX_LIST_VALUES - 1}}}$"


def _item_pattern(value: dict, form_field) -> str:
    if "enum" in value:
        return "(?:" + "|".join(re.escape(v) for v in value["enum"]) + ")"
    if value is UUID:
        return UUID_ITEM
    if value.get("type") == "integer":
        return PLAIN_INTEGER.pattern
    if value is DATE:
        return DATE_ITEM
    if "anyOf" in value:
        return TIMESTAMP_ITEM
    if isinstance(form_field, forms.DecimalField):
        return value["pattern"][1:-1]
    return TEXT_ITEM


OPERATOR_TEXT = {
    "ne": "differs from this (or has none)",
    "gt": "is greater than this",
    "gte": "is greater than or equal to this",
    "lt": "is less than this",
    "lte": "is less than or equal to this",
    "in": "is one of these comma-separated values (at most 100)",
    "not_in": "is none of these comma-separated values",
    "contains": "contains this text, whatever its case",
    "starts_with": "starts with this text, whatever its case",
    "null": "has no value (`true`) or has one (`false`)",
}


def _where_parameters(name, filter_, operators) -> list[dict]:
    """`where[name]` (equality; `null`: has none) and `where[name][op]` for each operator the
    field takes (docs/api.md, Lists)."""
    value = _value_schema(name, filter_.field)
    if "enum" in value:
        equal = {**value, "enum": [*value["enum"], "null"]}
    elif type(filter_.field) is forms.CharField:  # the literal `null` is text too
        equal = value
    else:
        equal = {"anyOf": [value, NULL_LITERAL]}
    parameters = [
        build_parameter_type(
            f"where[{name}]",
            equal,
            "query",
            description=f"Only records whose `{name}` equals this; `null`: has none.",
        )
    ]
    for op in operators:
        if op == "eq":
            continue
        if op == "null":
            schema = {"type": "string", "enum": ["true", "false"]}
        elif op in ("in", "not_in"):
            schema = {"type": "string", "pattern": _list_of(_item_pattern(value, filter_.field))}
        elif op in ("contains", "starts_with"):
            schema = value
        else:
            schema = value
        parameters.append(
            build_parameter_type(
                f"where[{name}][{op}]",
                schema,
                "query",
                description=f"Only records whose `{name}` {OPERATOR_TEXT[op]}.",
            )
        )
    return parameters


class ContractFilterScheme(OpenApiFilterExtension):
    """`where[...]` with operators, `search`, `sort[...]` of a list, from the viewset's
    declarations."""

    target_class = "academics.api.lists.ContractFilterBackend"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        view = auto_schema.view
        filterset = view.filterset_class
        parameters = []
        for name, filter_ in filterset.base_filters.items():
            parameters.extend(_where_parameters(name, filter_, filterset.operators[name]))
        if view.search_fields:
            searched = ", ".join(path.replace("__", ".") for path in view.search_fields)
            parameters.append(
                build_parameter_type(
                    "search",
                    {"type": "string", "pattern": NO_NUL},
                    "query",
                    description=f"Case-insensitive text found in any of: {searched}.",
                )
            )
        parameters.append(
            build_parameter_type(
                "sort[column]",
                {"type": "string", "enum": list(view.sort_fields)},
                "query",
                description="Sort column; without it, lists are ordered by created_at. Ties "
                "are broken by uuid.",
            )
        )
        parameters.append(
            build_parameter_type(
                "sort[order]", {"type": "string", "enum": ["asc", "desc"]}, "query", default="asc"
            )
        )
        return parameters


class PagePaginationScheme(OpenApiFilterExtension):
    target_class = "academics.api.lists.PagePagination"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        return page_parameters()


class SummaryScheme(OpenApiSerializerFieldExtension):
    """A related record's short form (`course: {uuid, name}`), inline; nullable exactly when
    the relation is optional."""

    target_class = "academics.api.fields.Summary"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        model = field.parent.Meta.model
        schema = {
            "type": "object",
            "properties": {
                name: UUID if name == "uuid" else {"type": "string"} for name in field.names
            },
            "required": list(field.names),
            "readOnly": True,
        }
        if model._meta.get_field(field.source).null:
            schema["nullable"] = True
        return schema


class DateAsTimestampScheme(OpenApiSerializerFieldExtension):
    """A date shown as a midnight-UTC timestamp; accepted as a date or a timestamp."""

    target_class = "academics.api.fields.DateAsTimestampField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return {"type": "string", "format": "date-time"}
        return {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": "A date (YYYY-MM-DD), or a timestamp whose UTC date is taken.",
        }


class DecimalScheme(OpenApiSerializerFieldExtension):
    """A decimal as the server takes it: a number with at most its decimal places
    (`multipleOf`), within the bounds its registry entry declares (`grade`: 0 to 10)."""

    target_class = "academics.api.fields.DecimalField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "number", "multipleOf": 10**-field.decimal_places}
        bounds = record_type(field.parent.Meta.model).bounds.get(field.source)
        if bounds:
            schema["minimum"], schema["maximum"] = bounds
        if field.allow_null:
            schema["nullable"] = True
        return schema
