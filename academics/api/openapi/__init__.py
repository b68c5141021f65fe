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
- the token endpoint's body, as a form or as JSON, and `GET /auth/me`;
- examples from the contract and the DokStamp pages it follows.

Modules: `components`, `examples`, `operations` (the schema class), `extensions`, `urls`. The
committed `docs/openapi.yaml` is this package's output (`make openapi`); a test keeps them equal.
"""

from academics.api.openapi import extensions  # noqa: F401  registers them with drf-spectacular
from academics.api.openapi.hooks import truthful_for_openapi_3_0, without_trailing_slash
from academics.api.openapi.operations import ContractSchema
from academics.api.openapi.urls import docs_urls

__all__ = [
    "ContractSchema",
    "docs_urls",
    "truthful_for_openapi_3_0",
    "without_trailing_slash",
]
