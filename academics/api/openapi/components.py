"""Shared schema components: the envelope, errors, list meta, token bodies, the changes feed
and history shapes, and the headers and parameters operations take (docs/api.md)."""

from drf_spectacular.plumbing import build_parameter_type

from academics.api.auth_views import TOKEN_ERROR_MESSAGES, TOKEN_FIELDS
from academics.api.base import MAX_BATCH
from academics.api.changes import DEFAULT_LIMIT
from academics.api.lists import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from academics.changes import MAX_LIMIT
from academics.records import REGISTRY
from academics.tenancy.models import IDENTIFIER_PATTERN

TOKEN_URL = "/api/oauth/token"
JSON = "application/json"
BEARER, OAUTH2 = "bearerAuth", "oauth2"

# --- Shared components -------------------------------------------------------------------------

UUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
# What a change did (docs/api.md, Changes feed and History).
ACTIONS = ["created", "updated", "deleted", "restored", "finalized", "reopened"]
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
        "scope": {"type": "string", "description": "The token's scopes, space-separated."},
    },
    "required": ["token_type", "expires_in", "access_token", "scope"],
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
            "action": {"type": "string", "enum": ACTIONS},
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
        "action": {"type": "string", "enum": ACTIONS},
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
        {
            "type": "string",
            "pattern": "^ *{name} *(?:, *{name} *)*$".format(
                name="(?:" + "|".join(record.name for record in REGISTRY) + ")"
            ),
        },
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
    "finalize": (IF_MATCH,),
    "reopen": (IF_MATCH,),
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
