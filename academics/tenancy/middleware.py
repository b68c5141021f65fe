"""Routes every request to one tenant's schema, or to the public schema.

Order of precedence: the `X-Tenant` header, then the host name, then the public schema. The
header is validated strictly, and an unknown tenant never falls through into another schema.
"""

from django.conf import settings
from django.db import connection
from django.utils.cache import patch_vary_headers

from academics.api.throttling import counter_before_routing
from academics.errors import (
    MSG_TENANT_HEADER_MALFORMED,
    MSG_UNKNOWN_TENANT_HOST,
    json_error,
    unauthenticated,
)
from academics.tenancy import lookups
from academics.tenancy.lookups import tenant_for_host, tenant_for_identifier
from academics.tenancy.models import identifier_is_valid


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        # One round trip to the shared cache: the generation for routing and tokens, and the
        # API rate limit's count when the token's client is known.
        lookups.begin_request(*(counter_before_routing(request) or ()))
        try:
            response = self._route(request)
            if response is None:
                response = self.get_response(request)
        finally:
            lookups.end_request()
        if getattr(response, "unauthenticated", False):
            response = unauthenticated()  # without the headers inner layers added
        patch_vary_headers(response, ("X-Tenant",))
        return response

    def _route(self, request):
        # WSGI folds repeated headers into one comma-separated value, which the pattern rejects.
        header = request.META.get("HTTP_X_TENANT")
        if header is not None:
            if not identifier_is_valid(header):
                return json_error(400, MSG_TENANT_HEADER_MALFORMED)
            tenant = tenant_for_identifier(header)
            if tenant is None:
                # The same answer as a token of another tenant: tenant names cannot be probed.
                return unauthenticated()
            return self._activate(request, tenant)

        host = request.get_host().rsplit(":", 1)[0].lower()
        tenant = tenant_for_host(host)
        if tenant is not None:
            return self._activate(request, tenant)
        if host.endswith("." + settings.TENANT_SUBDOMAIN_BASE):
            return json_error(404, MSG_UNKNOWN_TENANT_HOST)
        request.tenant = None
        request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
        return None

    @staticmethod
    def _activate(request, tenant):
        connection.set_tenant(tenant)
        request.tenant = tenant
        request.urlconf = settings.ROOT_URLCONF
        return None
