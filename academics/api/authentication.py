"""Bearer tokens of API clients, valid only for the tenant the client belongs to."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from academics.errors import MSG_UNAUTHENTICATED
from academics.tenancy.clients import api_client_for_token


class TenantBearerAuthentication(BaseAuthentication):
    """Authenticates `Authorization: Bearer <token>` against the request's tenant.

    A token of another tenant gets the same answer as an unknown token, so that tenant names
    cannot be probed with a valid token.
    """

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(MSG_UNAUTHENTICATED)
        client = api_client_for_token(parts[1].decode("latin-1"))
        tenant = getattr(request._request, "tenant", None)
        if client is None or tenant is None or client.tenant_id != tenant.pk:
            raise AuthenticationFailed(MSG_UNAUTHENTICATED)
        return client, parts[1]

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no credentials were sent.
        return 'Bearer realm="api"'
