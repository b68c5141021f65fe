"""Public schema URLs: platform endpoints only (platform admin, health). Tenant endpoints do not
exist here."""

from django.http import Http404, JsonResponse
from django.urls import path, re_path
from django.views import defaults
from django.views.generic import RedirectView

from academics.admin import platform_site
from academics.api.auth_views import MeView, TokenView
from academics.api.openapi import docs_urls
from academics.api.transport import (
    api_not_found,
    api_tenant_required,
    bad_request,
    server_error,
)
from academics.records import BY_NAME as RESOURCES


def health(request):
    """Liveness for load balancers; also says which tenant the request was routed to."""
    tenant = getattr(request, "tenant", None)
    return JsonResponse({"status": "ok", "tenant": tenant.identifier if tenant else None})


def page_not_found(request):
    """The styled 404 (templates/404.html), also with DEBUG on, where Django would list the URL
    patterns to whoever asks for a page that does not exist."""
    return defaults.page_not_found(request, Http404())


# A browser opening a host's root lands on the admin of that host: the platform admin here, the
# tenant's registrar admin on a tenant's host (config/urls_tenant.py). API docs: /api/docs.
to_admin = RedirectView.as_view(pattern_name="admin:index")

urlpatterns = [
    path("", to_admin),
    path("health", health, name="health"),
    re_path(r"^api/oauth/token/?$", TokenView.as_view(), name="oauth-token"),
    # The token names its tenant: no X-Tenant needed (docs/api.md, Authentication).
    re_path(r"^api/auth/me/?$", MeView.as_view(), name="auth-me"),
    *docs_urls(),
    path("admin/", platform_site.urls),
    # Keep last. Resource paths exist only in a tenant: without X-Tenant, say
    # that it is missing; any other /api path is a JSON 404 (`[\s\S]`: newlines included).
    re_path(rf"^api/({'|'.join([*RESOURCES, 'changes'])})(/[\s\S]*)?$", api_tenant_required),
    re_path(r"^api(/[\s\S]*)?$", api_not_found),
    # Any other page: ours, not Django's debug list of URL patterns. Paths ending in "/" only,
    # so that APPEND_SLASH still sends "/admin" to "/admin/" (and anything else here, too).
    re_path(r"^[\s\S]*/$", page_not_found),
]

# JSON on /api paths when something fails outside the API's views.
handler500 = server_error
handler400 = bad_request
