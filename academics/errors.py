"""The JSON error body every `/api` answer uses, and the messages shared by several layers."""

from django.http import HttpResponse, JsonResponse

MSG_TENANT_HEADER_REQUIRED = "The X-Tenant header is required."
MSG_TENANT_HEADER_MALFORMED = "The X-Tenant header is malformed."
MSG_UNAUTHENTICATED = "Unauthenticated."
MSG_UNKNOWN_TENANT_HOST = "No tenant is registered for this host name."
MSG_CORS_REFUSED = "Cross-origin requests from this origin are not allowed."


def error_body(message: str, **extra) -> dict:
    """The one error envelope (docs/api.md, Errors): `{"success": false, "message", ...}`."""
    return {"success": False, "message": message, **extra}


def json_error(status: int, message: str, **extra) -> JsonResponse:
    """An error answer outside DRF (middleware, the token endpoint)."""
    return JsonResponse(error_body(message, **extra), status=status)


def unauthenticated() -> HttpResponse:
    """The one `401 Unauthenticated.` answer, whatever found the request unauthenticated: an
    unknown tenant and another tenant's token must not be told apart by a byte (docs/api.md,
    Authenticating). The tenant routing replaces any such answer of an inner layer with a fresh one
    (academics/tenancy/middleware.py), so that no inner layer's headers tell them apart."""
    response = json_error(401, MSG_UNAUTHENTICATED)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    response["Content-Length"] = str(len(response.content))
    response.unauthenticated = True
    return response
