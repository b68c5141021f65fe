"""Bearer tokens of API clients, valid only for the tenant the client belongs to."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from academics.errors import MSG_UNAUTHENTICATED
from academics.tenancy.clients import api_token_grant


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
        grant = api_token_grant(parts[1].decode("latin-1"))
        tenant = getattr(request._request, "tenant", None)
        if grant is None or not self.tenant_matches(grant.client, tenant):
            raise AuthenticationFailed(MSG_UNAUTHENTICATED)
        # `request.auth`: the token's grant, whose scopes `HasClientScope` checks.
        return grant.client, grant

    def tenant_matches(self, client, tenant) -> bool:
        return tenant is not None and client.tenant_id == tenant.pk

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no credentials were sent.
        return 'Bearer realm="api"'


class TokenOwnerAuthentication(TenantBearerAuthentication):
    """For `GET /auth/me`, which tells a client its tenant: the token names it, so `X-Tenant`
    may be left out; when sent, it must be the token's tenant."""

    def tenant_matches(self, client, tenant) -> bool:
        return tenant is None or client.tenant_id == tenant.pk
