"""`ContractSchema`: drf-spectacular's AutoSchema with the contract's envelope, errors, headers
and examples, for every operation the views declare."""

import copy
import inspect

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes

from academics.api import messages as api_msg
from academics.api.auth_views import TOKEN_ERROR_MESSAGES, MeView, TokenView
from academics.api.base import MAX_BATCH, RecordSerializer, RecordViewSet
from academics.api.changes import ChangesView
from academics.api.lists import DEFAULT_PER_PAGE
from academics.api.openapi.components import (
    BATCH_DESTROY,
    CHANGES_PARAMETERS,
    ERROR,
    ETAG,
    HISTORY_ENTRY,
    JSON,
    LIST_META,
    ME,
    RECORD_HEADERS,
    RETRY_AFTER,
    TENANT_HEADER,
    TOKEN,
    TOKEN_ERROR,
    TOKEN_REQUEST,
    VALIDATION_ERROR,
    change_schema,
    changes_page_schema,
    page_parameters,
)
from academics.api.openapi.examples import (
    BATCH_DESTROY_VALIDATION_EXAMPLE,
    ERROR_EXAMPLES,
    EXAMPLES,
    QUERY_VALIDATION_EXAMPLE,
    VALIDATION_EXAMPLE,
)
from academics.api.openapi.lifecycle import LIFECYCLE_REQUEST, TRANSCRIPT
from academics.api.serializers import SERIALIZERS
from academics.errors import (
    MSG_TENANT_HEADER_MALFORMED,
    MSG_TENANT_HEADER_REQUIRED,
    MSG_UNAUTHENTICATED,
)
from academics.records import REGISTRY

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
    "finalize": (400, 401, 403, 404, 409, 412, 415, 422, 429),
    "reopen": (400, 401, 403, 404, 409, 412, 415, 422, 429),
    "transcript": (400, 401, 403, 404, 429),
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
    "finalize": "Finalize a {name}",
    "reopen": "Reopen a finalized {name}",
    "transcript": "Transcript of a {name}",
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
    "finalize": "Only a completed or dropped enrollment that keeps every rule; from then on it "
    "refuses every change and its deletion (409) until it is reopened.",
    "reopen": "`reason` is required and kept in the history.",
    "transcript": "Every live enrollment with its course and cohort, and a summary of the "
    "completed ones. With `Accept: application/pdf`, the same as a printable PDF.",
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
            if isinstance(self.view, MeView):
                # The token names its tenant; X-Tenant, when sent, must be that one
                # (docs/api.md, Authenticating).
                tenant["required"] = False
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
            # The form only, as OAuth2 clients send it: the JSON body the server also reads is
            # documented in docs/api.md (Authenticating), not here, because a second media type
            # makes openapi-python-client emit a module that does not import.
            form = _component(self.registry, "TokenRequest", TOKEN_REQUEST)
            return {
                "content": {"application/x-www-form-urlencoded": {"schema": form}},
                "required": True,
            }
        if self._resource() and self.view.action == "batch_destroy":
            schema = _component(self.registry, "BatchDestroyRequest", BATCH_DESTROY)
            return {"content": {JSON: {"schema": schema}}, "required": True}
        if self._resource() and self.view.action in ("finalize", "reopen"):
            schema = _component(self.registry, "LifecycleRequest", LIFECYCLE_REQUEST)
            return {"content": {JSON: {"schema": schema}}, "required": False}
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
        if self._resource() and self.view.action == "transcript":
            schema = _component(self.registry, "Transcript", TRANSCRIPT)
            pdf = {"schema": {"type": "string", "format": "binary"}}
            return {
                "200": {
                    "description": "The transcript, as JSON or (Accept: application/pdf) PDF.",
                    "content": {**_media(schema), "application/pdf": pdf},
                },
                **self._errors(RECORD_ERRORS["transcript"]),
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

    def _validation_example(self) -> dict:
        if self._listing():
            return QUERY_VALIDATION_EXAMPLE
        if self._resource() and self.view.action == "batch_destroy":
            return BATCH_DESTROY_VALIDATION_EXAMPLE
        return VALIDATION_EXAMPLE

    def _errors(self, codes):
        error = self._error_ref()
        responses = {}
        for code in codes:
            if code == 422:
                schema = _component(self.registry, "ValidationError", VALIDATION_ERROR)
                sample = {
                    "success": False,
                    "message": api_msg.INVALID_DATA,
                    "errors": self._validation_example(),
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
