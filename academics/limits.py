"""How large a request may be, and the answer when it is larger (docs/api.md, Errors).

The limits are settings (README, configuration): a JSON body under `/api` is a record or a
batch of uuids, a few MB at most; other paths take the admin's spreadsheet uploads. A body
declared larger is refused before a byte of it is read. A chunked body (no `Content-Length`)
is read here up to the same limit and handed on as an ordinary one, so the API sees its data.
Behind the reverse proxy (`make serve-proxy`) nginx enforces the same limits first.
"""

import io

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse

MSG_BODY_TOO_LARGE = "The request body is too large."
MSG_TOO_MANY_PARAMETERS = "The request has too many parameters."
MSG_BAD_REQUEST = "Bad Request."
MSG_NULL_CHARACTER = "The request must not contain null characters."
# A record nests two levels and a batch one; a client never needs more. Deeper values cost
# recursion in every layer that walks them.
MAX_JSON_DEPTH = 32
MSG_JSON_TOO_DEEP = f"The request body must not nest more than {MAX_JSON_DEPTH} levels."


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def body_limit(path: str) -> int:
    return settings.API_MAX_BODY_BYTES if is_api_path(path) else settings.UPLOAD_MAX_BODY_BYTES


def error_response(path: str, status: int, message: str, **headers) -> HttpResponse:
    """JSON in the contract's envelope under /api; plain text elsewhere (the admin)."""
    if is_api_path(path):
        response = JsonResponse({"success": False, "message": message}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain")
    for name, value in {**headers, "Content-Length": str(len(response.content))}.items():
        response[name] = value
    return response


def suspicious_request_answer(exc: SuspiciousOperation) -> tuple[int, str]:
    """Status and message for a request Django refuses while reading it."""
    if isinstance(exc, RequestDataTooBig):
        return 413, MSG_BODY_TOO_LARGE
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, MSG_TOO_MANY_PARAMETERS
    return 400, MSG_BAD_REQUEST


def json_depth_exceeds(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False


class RequestLimitsMiddleware:
    """Refuses a declared body over the path's limit (413) and, outside the API, null
    characters in the query string, which PostgreSQL text cannot hold (the admin's search and
    autocomplete would fail on them; the API names the parameter in a 422 itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request.path, 400, MSG_BAD_REQUEST)
        if declared > body_limit(request.path):
            return error_response(request.path, 413, MSG_BODY_TOO_LARGE)
        if not is_api_path(request.path) and "%00" in request.META.get("QUERY_STRING", ""):
            return error_response(request.path, 400, MSG_NULL_CHARACTER)
        return self.get_response(request)


class ChunkedBodies:
    """WSGI wrapper: a chunked request body (which gunicorn decodes but Django, lacking a
    `Content-Length`, would read as empty) is read up to the path's limit and passed on with
    its length; a longer one gets 413 without being read further."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            limit = body_limit(environ.get("PATH_INFO", ""))
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                response = error_response(environ.get("PATH_INFO", ""), 413, MSG_BODY_TOO_LARGE)
                response["Connection"] = "close"  # the rest of the body is never read
                start_response(f"413 {response.reason_phrase}", list(response.items()))
                return [response.content]
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)
