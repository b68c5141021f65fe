"""Public schema URLs: platform endpoints only (platform admin, health). Tenant endpoints do not
exist here."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import path

from academics.api.auth_views import TokenView


def health(request):
    """Liveness for load balancers; also says which tenant the request was routed to."""
    tenant = getattr(request, "tenant", None)
    return JsonResponse({"status": "ok", "tenant": tenant.identifier if tenant else None})


urlpatterns = [
    path("health", health, name="health"),
    path("api/oauth/token", TokenView.as_view(), name="oauth-token"),
    path("admin/", admin.site.urls),
]
