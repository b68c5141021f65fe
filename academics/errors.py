"""The JSON error body every `/api` answer uses, and the messages shared by several layers."""

from django.http import JsonResponse

MSG_TENANT_HEADER_REQUIRED = "The X-Tenant header is required."
MSG_TENANT_HEADER_MALFORMED = "The X-Tenant header is malformed."
MSG_UNAUTHENTICATED = "Unauthenticated."
MSG_UNKNOWN_TENANT_HOST = "No tenant is registered for this host name."


def error_body(message: str, **extra) -> dict:
    """The one error envelope (docs/api.md, Errors): `{"success": false, "message", ...}`."""
    return {"success": False, "message": message, **extra}


def json_error(status: int, message: str, **extra) -> JsonResponse:
    """An error answer outside DRF (middleware, the token endpoint)."""
    return JsonResponse(error_body(message, **extra), status=status)
