"""The OpenAPI description of the API as it really answers (drf-spectacular).

Set as `REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`, so nothing in the views has to be decorated.
What drf-spectacular cannot see from the views is derived here from the same declarations the
views run on:

- the `{"data": ...}` envelope, the list `meta` block and the contract's error bodies, with every
  status code each operation can answer (docs/api.md, Errors);
- the `where[...]` parameters from each viewset's `filterset_class`, `sort[column]` from its
  `sort_fields`, `search` only where it has `search_fields`, `page` / `per_page` from the
  pagination limits (docs/api.md, Lists);
- the `X-Tenant` header on every tenant endpoint, the bearer / client-credentials security
  schemes with their scopes (docs/api.md, Authenticating);
- the token endpoint's three body encodings, and `GET /auth/me`;
- examples from the contract and the DokStamp pages it follows.

The committed `docs/openapi.yaml` is this module's output (`make openapi`); a test keeps them equal.
"""

import copy
import inspect

from django import forms
from django.conf import settings
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiFilterExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import SAFE_METHODS

from academics import messages as msg
from academics.api import messages as api_msg
from academics.api.auth_views import TOKEN_ERROR_MESSAGES, TOKEN_FIELDS, MeView, TokenView
from academics.api.base import MAX_BATCH, RecordSerializer, RecordViewSet
from academics.api.changes import DEFAULT_LIMIT, ChangesView
from academics.api.lists import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from academics.api.serializers import SERIALIZERS
from academics.changes import MAX_LIMIT
from academics.errors import (
    MSG_TENANT_HEADER_MALFORMED,
    MSG_TENANT_HEADER_REQUIRED,
    MSG_UNAUTHENTICATED,
)
from academics.records import REGISTRY
from academics.tenancy.models import IDENTIFIER_PATTERN

TOKEN_URL = "/api/oauth/token"
JSON = "application/json"
BEARER, OAUTH2 = "bearerAuth", "oauth2"

# --- Shared components -------------------------------------------------------------------------

UUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
ERROR = {
    "type": "object",
    "description": "Every failure, on every /api path.",
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "message": {"type": "string"},
    },
    "required": ["success", "message"],
    "additionalProperties": False,
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Invalid input: every problem, by field or query parameter, in Laravel wording.",
    "properties": {
        **ERROR["properties"],
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["success", "message", "errors"],
    "additionalProperties": False,
}
TOKEN_ERROR = {
    "type": "object",
    "description": "A refused token request, in OAuth2's words and in the API's envelope.",
    "properties": {
        **ERROR["properties"],
        "error": {"type": "string", "enum": sorted(TOKEN_ERROR_MESSAGES)},
        "error_description": {"type": "string"},
    },
    "required": ["success", "message", "error", "error_description"],
    "additionalProperties": False,
}
LIST_META = {
    "type": "object",
    "properties": {
        "current_page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0},
        "last_page": {"type": "integer", "minimum": 1},
        "from": {"type": "integer", "minimum": 1, "nullable": True},
        "to": {"type": "integer", "minimum": 1, "nullable": True},
    },
    "required": ["current_page", "per_page", "total", "last_page", "from", "to"],
    "additionalProperties": False,
}
TOKEN = {
    "type": "object",
    "properties": {
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer", "description": "Seconds the token stays valid."},
        "access_token": {"type": "string"},
    },
    "required": ["token_type", "expires_in", "access_token"],
    "additionalProperties": False,
}
TOKEN_REQUEST = {
    "type": "object",
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "scope": {
            "type": "string",
            "description": "Space-separated scopes, a subset of the client's; all if left out.",
        },
    },
    "required": ["grant_type"],
    "description": "The client may authenticate with HTTP Basic instead of the body fields.",
}
assert set(TOKEN_REQUEST["properties"]) == set(TOKEN_FIELDS)
ME = {
    "type": "object",
    "properties": {
        "data": {
            "type": "object",
            "properties": {
                "uuid": UUID,
                "name": {"type": "string"},
                "email": {"type": "string", "nullable": True},
                "tenant": {
                    "type": "object",
                    "properties": {
                        "uuid": UUID,
                        "name": {"type": "string"},
                        "domain": {
                            "type": "string",
                            "description": "The value to send as X-Tenant.",
                        },
                    },
                    "required": ["uuid", "name", "domain"],
                },
            },
            "required": ["uuid", "name", "email", "tenant"],
        }
    },
    "required": ["data"],
}


def change_schema(records: list[dict]) -> dict:
    return {
        "type": "object",
        "properties": {
            "cursor": {"type": "string", "description": "This change's place in the feed."},
            "resource": {"type": "string", "enum": [record.name for record in REGISTRY]},
            "uuid": UUID,
            "action": {"type": "string", "enum": ["created", "updated", "deleted", "restored"]},
            "occurred_at": {"type": "string", "format": "date-time"},
            "data": {
                "anyOf": records,
                "nullable": True,
                "description": "The record as GET showed it right after the change; null when "
                "deleted.",
            },
        },
        "required": ["cursor", "resource", "uuid", "action", "occurred_at", "data"],
    }


def changes_page_schema(change) -> dict:
    return {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": change},
            "meta": {
                "type": "object",
                "properties": {
                    "next_cursor": {
                        "type": "string",
                        "description": "Send as `after` for the next page (the same when "
                        "nothing came).",
                    },
                    "has_more": {"type": "boolean"},
                },
                "required": ["next_cursor", "has_more"],
            },
        },
        "required": ["data", "meta"],
    }


HISTORY_ENTRY = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": ["created", "updated", "deleted", "restored"]},
        "occurred_at": {"type": "string", "format": "date-time"},
        "actor": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["api_client", "staff", "import", "system"]},
                "name": {"type": "string"},
            },
            "required": ["type", "name"],
        },
        "reason": {"type": "string", "nullable": True},
        "changes": {
            "type": "object",
            "description": "Field (API name) -> its value before and after.",
            "additionalProperties": {
                "type": "object",
                "properties": {"from": {}, "to": {}},
                "required": ["from", "to"],
            },
        },
    },
    "required": ["action", "occurred_at", "actor", "reason", "changes"],
}

BATCH_DESTROY = {
    "type": "object",
    "properties": {"uuids": {"type": "array", "items": UUID, "minItems": 1, "maxItems": MAX_BATCH}},
    "required": ["uuids"],
}

TENANT_HEADER = build_parameter_type(
    "X-Tenant",
    {"type": "string", "pattern": IDENTIFIER_PATTERN.pattern},
    "header",
    required=True,
    description=(
        "The tenant whose records the request reads or changes (`tenant.domain` of `GET "
        "/api/auth/me`). Missing: 401; malformed: 400; unknown, or not the token's tenant: 401."
    ),
)
TENANT_HEADER["example"] = "demo"

CHANGES_PARAMETERS = [
    build_parameter_type(
        "after",
        {"type": "string", "pattern": "^[0-9]+$"},
        "query",
        description="The `next_cursor` of the previous page (opaque); without it, the feed "
        "starts at the oldest change it keeps. A cursor older than that: 410.",
    ),
    build_parameter_type(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "query",
    ),
    build_parameter_type(
        "resources",
        {"type": "string"},
        "query",
        description="Comma-separated resources to keep, e.g. `students,enrollments`.",
    ),
]
IF_MATCH = build_parameter_type(
    "If-Match",
    {"type": "string"},
    "header",
    description=(
        'The ETag of the version read, e.g. `"3"`: when the record has changed since, 412 and '
        "nothing changes."
    ),
)
IF_NONE_MATCH = build_parameter_type(
    "If-None-Match",
    {"type": "string"},
    "header",
    description="The ETag of a version held: 304 with no body while it is still current.",
)
IDEMPOTENCY_KEY = build_parameter_type(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "header",
    description=(
        "Makes a retry safe: the same key with the same body within 24 hours replays the first "
        "answer (header `Idempotent-Replayed: true`) and writes nothing; with another body, 422; "
        "while the first request runs, 409."
    ),
)
# Header parameters each record operation takes, by viewset action (docs/api.md, Safe writes).
RECORD_HEADERS = {
    "create": (IDEMPOTENCY_KEY,),
    "batch_destroy": (IDEMPOTENCY_KEY,),
    "retrieve": (IF_NONE_MATCH,),
    "update": (IF_MATCH,),
    "partial_update": (IF_MATCH,),
    "destroy": (IF_MATCH,),
}
ETAG = {
    "ETag": {
        "schema": {"type": "string"},
        "required": True,
        "description": "The record's current version, for If-Match and If-None-Match.",
    }
}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "required": True,
        "description": "Seconds to wait before the next request.",
    }
}

# --- Examples ----------------------------------------------------------------------------------
# The course and enrollment come from DokStamp's documentation pages the API follows
# (docs/api.md); their uuids that are not hexadecimal there are made valid here.

INSTITUTION_REF = {
    "uuid": "550e8400-e29b-41d4-a716-446655440000",
    "name": "Federal University of Technology",
}
COURSE = {
    "uuid": "c3d4e5f6-a7b8-9012-cdef-123456789012",
    "code": "BCS-2024",
    "name": "Bachelor of Computer Science",
    "description": "A 4-year undergraduate program in computer science.",
    "workload_hours": 3200,
    "area": "Technology",
    "version": "2024.1",
    "status": "active",
    "institution": INSTITUTION_REF,
    "organization": None,
    "created_at": "2024-01-15T10:00:00.000000Z",
    "updated_at": "2024-01-15T10:00:00.000000Z",
}
ENROLLMENT = {
    "uuid": "a7b8c9d0-e1f2-3456-abcd-567890123456",
    "completion_status": "completed",
    "grade": 8.75,
    "enrolled_at": "2024-02-01T00:00:00.000000Z",
    "completed_at": "2027-12-20T00:00:00.000000Z",
    "student": {"uuid": "f6a7b8c9-d0e1-2345-fabc-456789012345", "name": "Maria Fernanda Silva"},
    "course": {"uuid": COURSE["uuid"], "name": COURSE["name"]},
    "cohort": {"uuid": "e5f6a7b8-c9d0-1234-efab-345678901234", "code": "BCS-2024-EVE"},
    "created_at": "2024-02-01T12:30:00.000000Z",
    "updated_at": "2027-12-20T09:15:00.000000Z",
}
EXAMPLES = {
    "course": {
        "object": COURSE,
        "create": {
            "name": "Bachelor of Computer Science",
            "code": "BCS-2024",
            "institution_uuid": INSTITUTION_REF["uuid"],
            "workload_hours": 3200,
            "area": "Technology",
            "version": "2024.1",
            "status": "active",
        },
    },
    "enrollment": {
        "object": ENROLLMENT,
        "create": {
            "student_uuid": ENROLLMENT["student"]["uuid"],
            "course_uuid": COURSE["uuid"],
            "cohort_uuid": ENROLLMENT["cohort"]["uuid"],
            "enrolled_at": "2024-02-01",
            "completion_status": "completed",
            "grade": 8.75,
            "completed_at": "2027-12-20",
        },
    },
}
ERROR_EXAMPLES = {
    400: api_msg.MALFORMED_JSON,
    401: MSG_UNAUTHENTICATED,
    403: api_msg.UNAUTHORIZED_ACTION,
    404: api_msg.NOT_FOUND,
    409: msg.DELETE_PROTECTED.format(model="course", dependents="3 enrollments", verb="reference"),
    410: api_msg.CURSOR_EXPIRED,
    412: api_msg.RECORD_CHANGED,
    415: api_msg.UNSUPPORTED_MEDIA_TYPE,
    429: api_msg.TOO_MANY_REQUESTS,
}
QUERY_VALIDATION_EXAMPLE = {
    "where[colour]": [api_msg.FILTER_NOT_ALLOWED.format(attribute="where[colour]")],
    "per_page": [api_msg.MAX_NUMBER.format(attribute="per page", max=MAX_PER_PAGE)],
}
VALIDATION_EXAMPLE = {
    "name": [api_msg.REQUIRED.format(attribute="name")],
    "course_uuid": [api_msg.SELECTED_INVALID.format(attribute="course uuid")],
    "grade": ["The grade must be between 0 and 10."],
}

ERROR_WHEN = {
    400: "The body is not valid JSON, or the X-Tenant or Idempotency-Key header is malformed.",
    401: f"No valid token for this tenant (`{MSG_UNAUTHENTICATED}`), or no X-Tenant header "
    f"(`{MSG_TENANT_HEADER_REQUIRED}`).",
    403: "The token's client lacks the scope: `read` for GET, `write` for every other method.",
    404: "No live record of this tenant has this uuid.",
    409: "Live records depend on the record (the message says which), or a request with the "
    "same Idempotency-Key is still running.",
    410: "The cursor is older than the oldest change the feed keeps: resynchronise from the lists.",
    412: "If-Match names a version the record no longer has; nothing changed.",
    415: "The body is sent in a media type this endpoint does not read.",
    422: "Invalid input; `errors` names each field or query parameter.",
    429: "Rate limited; see Retry-After.",
}

# Status codes each operation can answer besides its success, by viewset action.
RECORD_ERRORS = {
    "list": (400, 401, 403, 422, 429),
    "create": (400, 401, 403, 409, 415, 422, 429),
    "retrieve": (400, 401, 403, 404, 429),
    "update": (400, 401, 403, 404, 412, 415, 422, 429),
    "partial_update": (400, 401, 403, 404, 412, 415, 422, 429),
    "destroy": (400, 401, 403, 404, 409, 412, 429),
    "batch_destroy": (400, 401, 403, 409, 415, 422, 429),
    "history": (400, 401, 403, 404, 422, 429),
}
RECORD_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create a {name}",
    "retrieve": "Get a {name}",
    "update": "Replace a {name}",
    "partial_update": "Change a {name}",
    "destroy": "Delete a {name}",
    "batch_destroy": "Delete several {plural}",
    "history": "History of a {name}",
}
RECORD_DESCRIPTIONS = {
    "list": "Filtered with `where[...]`, searched with `search`, sorted with `sort[...]`, a page "
    "at a time with its `meta`.",
    "create": "Rules of the record are checked as a whole; every problem is reported at once.",
    "retrieve": "",
    "update": "Required fields must be present; an optional field left out keeps its value.",
    "partial_update": "Changes the fields sent; the whole record is validated afterwards.",
    "destroy": "Soft delete; refused while live records depend on the record.",
    "batch_destroy": f"All or nothing: at most {MAX_BATCH} uuids, each a live record here.",
    "history": "Its changes, newest first: who made each (API client, staff user, import file or "
    "command), and what it changed, in the API's field names and formats. Deleted records too.",
}


def _component(registry, name, schema, owner=None):
    # A copy: the enum post-processing hook rewrites component schemas in place.
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, schema=copy.deepcopy(schema), object=owner or name
    )
    registry.register_on_missing(component)
    return component.ref


def _media(schema, examples=None):
    media = {"schema": schema}
    if examples:
        media["examples"] = {name: {"value": value} for name, value in examples.items()}
    return {JSON: media}


class ContractSchema(AutoSchema):
    """drf-spectacular's AutoSchema with the contract's envelope, errors and headers."""

    def _resource(self):
        return self.view.basename if isinstance(self.view, RecordViewSet) else None

    def _is_tenant_endpoint(self):
        return isinstance(self.view, RecordViewSet | MeView | ChangesView)

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None and self._is_tenant_endpoint():
            tenant = copy.deepcopy(TENANT_HEADER)
            extra = CHANGES_PARAMETERS if isinstance(self.view, ChangesView) else []
            if self._resource() and self.view.action == "history":
                extra = page_parameters()
            headers = RECORD_HEADERS.get(self.view.action, ()) if self._resource() else ()
            operation["parameters"] = [
                tenant,
                *(copy.deepcopy(header) for header in headers),
                *operation.get("parameters", []),
                *extra,
            ]
        return operation

    def _hand_written(self):
        return isinstance(self.view, TokenView | MeView | ChangesView)

    def get_request_serializer(self):
        return None if self._hand_written() else super().get_request_serializer()

    def get_response_serializers(self):
        return OpenApiTypes.OBJECT if self._hand_written() else super().get_response_serializers()

    def get_summary(self):
        if self._resource():
            model = self.view.queryset.model._meta
            return RECORD_SUMMARIES[self.view.action].format(
                name=model.verbose_name, plural=model.verbose_name_plural
            )
        if isinstance(self.view, TokenView):
            return "Get a bearer token (OAuth2 client credentials)"
        if isinstance(self.view, MeView):
            return "The token's client and tenant"
        if isinstance(self.view, ChangesView):
            return "The changes feed: every committed change after a cursor"
        return super().get_summary()

    def get_description(self):
        if self._resource():
            return RECORD_DESCRIPTIONS[self.view.action]
        return super().get_description()

    def get_auth(self):
        if not self._is_tenant_endpoint():
            return []
        return super().get_auth()

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if isinstance(serializer, RecordSerializer):
            # The record's own description, not the base serializer's.
            schema["description"] = inspect.cleandoc(serializer.Meta.model.__doc__)
            if direction == "response":
                # The read plan writes every readable field, null or not.
                schema["required"] = list(schema["properties"])
        return schema

    # --- Bodies --------------------------------------------------------------------------------

    def _get_request_body(self, direction="request"):
        if isinstance(self.view, TokenView):
            schema = _component(self.registry, "TokenRequest", TOKEN_REQUEST)
            form = {"schema": schema}
            return {
                "content": {
                    "application/x-www-form-urlencoded": form,
                    "multipart/form-data": form,
                    JSON: form,
                },
                "required": True,
            }
        if self._resource() and self.view.action == "batch_destroy":
            schema = _component(self.registry, "BatchDestroyRequest", BATCH_DESTROY)
            return {"content": {JSON: {"schema": schema}}, "required": True}
        body = super()._get_request_body(direction)
        if body and self._resource():
            example = EXAMPLES.get(self._resource(), {}).get("create")
            if example and self.method == "POST":
                body["content"][JSON]["examples"] = {"seed": {"value": example}}
        return body

    def map_parsers(self):
        # The resource endpoints parse JSON only; anything else is a 415.
        return [JSON] if self._resource() else super().map_parsers()

    def _get_response_bodies(self, direction="response"):
        if isinstance(self.view, TokenView):
            token = _component(self.registry, "Token", TOKEN)
            token_error = _component(self.registry, "TokenError", TOKEN_ERROR)
            sample = {
                "token_type": "Bearer",
                "expires_in": settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"],
                "access_token": "0hX8sY2rQ...",
            }
            refused = {
                "success": False,
                "error": "invalid_client",
                "error_description": TOKEN_ERROR_MESSAGES["invalid_client"],
                "message": TOKEN_ERROR_MESSAGES["invalid_client"],
            }
            return {
                "200": {"description": "A token.", "content": _media(token, {"token": sample})},
                "400": {
                    "description": "Unsupported grant type or malformed request (in OAuth2's "
                    "words), or a body that is not valid JSON.",
                    "content": _media({"oneOf": [token_error, self._error_ref()]}),
                },
                "401": {
                    "description": "Unknown client or wrong secret.",
                    "content": _media(token_error, {"invalid_client": refused}),
                },
                **self._errors((415, 429)),
            }
        if isinstance(self.view, MeView):
            me = _component(self.registry, "Me", ME)
            return {
                "200": {"description": "The client and its tenant.", "content": _media(me)},
                **self._errors((400, 401, 403, 429)),
            }
        if isinstance(self.view, ChangesView):
            records = [
                self.resolve_serializer(SERIALIZERS[record.name], "response").ref
                for record in REGISTRY
            ]
            change = _component(self.registry, "Change", change_schema(records))
            page = _component(self.registry, "ChangesPage", changes_page_schema(change))
            return {
                "200": {"description": "The changes after the cursor.", "content": _media(page)},
                **self._errors((400, 401, 403, 410, 422, 429)),
            }
        if self._resource() and self.view.action == "history":
            entry = _component(self.registry, "HistoryEntry", HISTORY_ENTRY)
            meta = _component(self.registry, "ListMeta", LIST_META)
            page = _component(
                self.registry,
                "HistoryPage",
                {
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": entry}, "meta": meta},
                    "required": ["data", "meta"],
                },
            )
            return {
                "200": {"description": "One page of changes.", "content": _media(page)},
                **self._errors(RECORD_ERRORS["history"]),
            }
        if self._resource():
            return {**self._success(), **self._errors(RECORD_ERRORS[self.view.action])}
        return super()._get_response_bodies(direction)

    def _success(self):
        action = self.view.action
        if action in ("destroy", "batch_destroy"):
            return {"204": {"description": "Deleted; no body."}}
        serializer = self.get_response_serializers()
        component = self.resolve_serializer(serializer, "response")
        name = component.name
        examples = EXAMPLES.get(self._resource(), {})
        if action == "list":
            meta = _component(self.registry, "ListMeta", LIST_META)
            schema = _component(
                self.registry,
                f"{name}List",
                {
                    "type": "object",
                    "properties": {"data": {"type": "array", "items": component.ref}, "meta": meta},
                    "required": ["data", "meta"],
                },
                owner=(type(serializer), "list"),
            )
            sample = examples.get("object") and {
                "page": {
                    "data": [examples["object"]],
                    "meta": {
                        "current_page": 1,
                        "per_page": DEFAULT_PER_PAGE,
                        "total": 1,
                        "last_page": 1,
                        "from": 1,
                        "to": 1,
                    },
                }
            }
            return {"200": {"description": "One page.", "content": _media(schema, sample)}}
        schema = _component(
            self.registry,
            f"{name}Envelope",
            {"type": "object", "properties": {"data": component.ref}, "required": ["data"]},
            owner=(type(serializer), "one"),
        )
        sample = examples.get("object") and {"object": {"data": examples["object"]}}
        if action == "create":
            return {
                "201": {
                    "description": "The new record.",
                    "content": _media(schema, sample),
                    "headers": ETAG,
                }
            }
        answers = {
            "200": {
                "description": "The record.",
                "content": _media(schema, sample),
                "headers": ETAG,
            }
        }
        if action == "retrieve":
            answers["304"] = {"description": "If-None-Match names the current version; no body."}
        return answers

    def _listing(self):
        return bool(self._resource()) and self.view.action == "list"

    def _has_body(self):
        batch = self._resource() and self.view.action == "batch_destroy"
        return self.method in ("POST", "PUT", "PATCH") or bool(batch)

    def _error_ref(self):
        return _component(self.registry, "Error", ERROR)

    def _errors(self, codes):
        error = self._error_ref()
        responses = {}
        for code in codes:
            if code == 422:
                schema = _component(self.registry, "ValidationError", VALIDATION_ERROR)
                sample = {
                    "success": False,
                    "message": api_msg.INVALID_DATA,
                    "errors": QUERY_VALIDATION_EXAMPLE if self._listing() else VALIDATION_EXAMPLE,
                }
            else:
                schema, sample = error, {"success": False, "message": ERROR_EXAMPLES[code]}
            description = ERROR_WHEN[code]
            if code == 400 and not self._has_body():
                description = "The X-Tenant header is malformed."
                sample = {"success": False, "message": MSG_TENANT_HEADER_MALFORMED}
            responses[str(code)] = {
                "description": description,
                "content": _media(schema, {"error": sample}),
            }
            if code == 429:
                responses[str(code)]["headers"] = RETRY_AFTER
        return responses


def without_trailing_slash(endpoints, **kwargs):
    """Preprocessing hook: the routes accept an optional trailing slash (`/?`); the documented
    paths have none (docs/api.md, Formats)."""
    return [
        (path.rstrip("/") if path != "/" else path, regex, method, callback)
        for path, regex, method, callback in endpoints
    ]


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
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return {"type": "number"}
    if isinstance(form_field, forms.DateTimeField):
        return {"anyOf": [{"type": "string", "format": "date-time"}, DATE]}
    if isinstance(form_field, forms.DateField):
        return DATE
    if type(form_field) is forms.CharField:
        return {"type": "string"}
    warn(f"where[{name}]: no schema for the filter's {type(form_field).__name__}")
    return {"type": "string"}


NULL_LITERAL = {"type": "string", "enum": ["null"]}
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
    elif value == {"type": "string"}:
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
        elif op in ("in", "not_in", "contains", "starts_with"):
            schema = {"type": "string", "minLength": 1}
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
                    build_basic_type(OpenApiTypes.STR),
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


def page_parameters() -> list[dict]:
    return [
        build_parameter_type(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "query",
            default=1,
            description="A page past the end is empty, with a correct `meta`.",
        ),
        build_parameter_type(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "query",
            default=DEFAULT_PER_PAGE,
        ),
    ]


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


# --- Routes ------------------------------------------------------------------------------------


def docs_urls():
    """`/api/openapi.json`, `/api/openapi.yaml` and the Swagger UI at `/api/docs` (its scripts
    and styles from drf-spectacular-sidecar's static files, no CDN). No token needed; the same
    schema whether or not the request names a tenant."""
    from django.urls import path
    from drf_spectacular.views import (
        SpectacularJSONAPIView,
        SpectacularSwaggerView,
        SpectacularYAMLAPIView,
    )

    return [
        path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-json"),
        path("api/openapi.yaml", SpectacularYAMLAPIView.as_view(), name="openapi-yaml"),
        path("api/docs", SpectacularSwaggerView.as_view(url_name="openapi-json"), name="api-docs"),
    ]
