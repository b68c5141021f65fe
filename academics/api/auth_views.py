"""`POST /api/oauth/token` (client credentials) and `GET /api/auth/me`."""

import json
from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import JsonResponse
from oauth2_provider.oauth2_backends import get_oauthlib_core
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from academics.api.throttling import TokenRateThrottle
from academics.errors import json_error

TOKEN_ERROR_MESSAGES = {
    "invalid_client": "Client authentication failed.",
    "unsupported_grant_type": "The authorization grant type is not supported.",
    "invalid_request": "The request is missing a required parameter or is malformed.",
    "invalid_scope": "The requested scope is invalid.",
    "unauthorized_client": "This client may not use this grant type.",
}
TOKEN_FIELDS = ("grant_type", "client_id", "client_secret", "scope")


def token_error(status: int, error: str) -> JsonResponse:
    message = TOKEN_ERROR_MESSAGES.get(error, "The token request was rejected.")
    return json_error(status, message, error=error, error_description=message)


class TokenView(APIView):
    """Exchanges client credentials for a bearer token; the client names its own tenant."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [FormParser, MultiPartParser, JSONParser]

    def post(self, request):
        if not isinstance(request.data, Mapping):  # e.g. a JSON array: no fields to read
            return token_error(400, "invalid_request")
        fields = {name: str(request.data[name]) for name in TOKEN_FIELDS if request.data.get(name)}
        if fields.get("grant_type") != "client_credentials":
            # The only grant this API offers; others are refused before any client lookup.
            return token_error(400, "unsupported_grant_type")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if "HTTP_AUTHORIZATION" in request.META:  # HTTP Basic client authentication
            headers["HTTP_AUTHORIZATION"] = request.META["HTTP_AUTHORIZATION"]
        server = get_oauthlib_core().server
        _, body, status = server.create_token_response(
            request.build_absolute_uri(), "POST", urlencode(fields), headers
        )
        answer = json.loads(body)
        if status != 200:
            return token_error(status, answer.get("error", "invalid_request"))
        return JsonResponse(
            {
                "token_type": "Bearer",
                "expires_in": answer["expires_in"],
                "access_token": answer["access_token"],
                "scope": answer["scope"],
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )


class MeView(APIView):
    """Who the token belongs to, and the tenant to name in X-Tenant (which it does not need)."""

    tenant_from_token = True  # see TenantBearerAuthentication.tenant_matches

    def get(self, request):
        client = request.user
        return Response(
            {
                "data": {
                    "uuid": str(client.uuid),
                    "name": client.name,
                    "email": None,
                    "tenant": {
                        "uuid": str(client.tenant.uuid),
                        "name": client.tenant.name,
                        "domain": client.tenant.identifier,
                    },
                }
            }
        )
