"""Bearer tokens of API clients, valid only for the tenant the client belongs to."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from academics.errors import MSG_UNAUTHENTICATED
from academics.tenancy.tokens import api_token_grant


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
        if grant is None or not self.tenant_matches(grant.client, tenant, request):
            raise AuthenticationFailed(MSG_UNAUTHENTICATED)
        # `request.auth`: the token's grant, whose scopes `HasClientScope` checks.
        return grant.client, grant

    @staticmethod
    def tenant_matches(client, tenant, request) -> bool:
        """The request's tenant is the token's; a view that says `tenant_from_token` (`GET
        /auth/me`, which tells a client its tenant) also takes a request that names none."""
        if tenant is None:
            view = (request.parser_context or {}).get("view")
            return getattr(view, "tenant_from_token", False)
        return client.tenant_id == tenant.pk

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no credentials were sent.
        return 'Bearer realm="api"'
