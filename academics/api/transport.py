"""Transport of every /api answer (docs/api.md, Formats and Errors): JSON in, JSON out, and
every failure in the `{"success": false, "message": ...}` envelope. Kept apart from the views
because DRF reads these classes from settings while its own view classes are being defined."""

import logging
import sys
from decimal import Decimal

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, renderers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from academics import limits
from academics.api import messages as api_msg
from academics.errors import MSG_TENANT_HEADER_REQUIRED, error_body, json_error, unauthenticated
from academics.services import Conflict, RecordChanged, RecordGone

logger = logging.getLogger(__name__)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class JsonRenderer(renderers.BaseRenderer):
    """orjson: several times faster than the standard library on list pages."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_json_default)


class JsonParser(parsers.BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        # The body's size was checked against API_MAX_BODY_BYTES before (academics/limits.py).
        try:
            data = orjson.loads(stream.read())
        except orjson.JSONDecodeError as error:
            raise exceptions.ParseError(api_msg.MALFORMED_JSON) from error
        if limits.json_depth_exceeds(data):
            raise JsonTooDeep()
        return data


class JsonTooDeep(exceptions.APIException):
    status_code = 400
    default_detail = limits.MSG_JSON_TOO_DEEP


class AlwaysJson(BaseContentNegotiation):
    """Any (or no) `Accept` header gets JSON: the API speaks nothing else."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# Seconds a client is told to wait when the database cannot be reached.
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable(path: str) -> HttpResponse:
    """503 with `Retry-After` (docs/api.md, Errors): the failure is the database's, and passes."""
    return limits.error_response(
        path,
        503,
        api_msg.SERVICE_UNAVAILABLE,
        **{"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def exception_handler(exc, context):
    """Every failure under /api in the contract's envelope; never a trace or an HTML page."""
    headers = {}
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("Database unavailable: %s", exc)
        return database_unavailable(context["request"].path)
    if isinstance(exc, SuspiciousOperation):  # a body or parameter count over its limit
        status, message = limits.suspicious_request_answer(exc)
        return Response(error_body(message), status=status)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(error_body(api_msg.NOT_FOUND), status=404)
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response(error_body(api_msg.INVALID_DATA, errors=errors), status=422)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # Headers and bytes are settled by the tenant routing (academics/errors.py).
        return unauthenticated()
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body(api_msg.UNAUTHORIZED_ACTION), status=403)
    if isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        if detail == exceptions.PermissionDenied.default_detail:
            detail = api_msg.UNAUTHORIZED_ACTION
        return Response(error_body(detail), status=403)
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        return Response(error_body(api_msg.TOO_MANY_REQUESTS), status=429, headers=headers)
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = context["request"].method
        return Response(error_body(api_msg.METHOD_NOT_ALLOWED.format(method=method)), status=405)
    if isinstance(exc, exceptions.ParseError):
        return Response(error_body(api_msg.MALFORMED_JSON), status=400)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(error_body(api_msg.UNSUPPORTED_MEDIA_TYPE), status=415)
    if isinstance(exc, Conflict):  # deletion protection, a finalized enrollment
        return Response(error_body(exc.message), status=409)
    if isinstance(exc, RecordChanged):
        return Response(error_body(api_msg.RECORD_CHANGED), status=412)
    if isinstance(exc, RecordGone):
        return Response(error_body(api_msg.NOT_FOUND), status=404)
    if isinstance(exc, exceptions.APIException):
        return Response(error_body(str(exc.detail)), status=exc.status_code)
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(error_body(api_msg.SERVER_ERROR), status=500)


@csrf_exempt  # bearer tokens, not cookies: a POST gets this JSON, not an HTML 403
def api_not_found(request, *args, **kwargs):
    """Any /api path that names no endpoint: a JSON 404, whatever the method."""
    return json_error(404, api_msg.NOT_FOUND)


def server_error(request, *args, **kwargs):
    """`handler500`: a failure outside DRF's views (in a middleware, say) on an /api path is
    JSON too; elsewhere Django's own page. An unreachable database is a 503 on every path."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request.path)
    if limits.is_api_path(request.path):
        return json_error(500, api_msg.SERVER_ERROR)
    return defaults.server_error(request, *args, **kwargs)


def bad_request(request, exception=None, *args, **kwargs):
    """`handler400`: a request Django refuses before any view (a `Host` not in ALLOWED_HOSTS,
    too many parameters) is JSON on /api paths too; elsewhere Django's own page."""
    if limits.is_api_path(request.path):
        status, message = (
            limits.suspicious_request_answer(exception)
            if isinstance(exception, SuspiciousOperation)
            else (400, limits.MSG_BAD_REQUEST)
        )
        return json_error(status, message)
    return defaults.bad_request(request, exception, *args, **kwargs)


@csrf_exempt
def api_tenant_required(request, *args, **kwargs):
    """A resource path reached without a tenant (public schema): say what is missing."""
    return json_error(401, MSG_TENANT_HEADER_REQUIRED)
