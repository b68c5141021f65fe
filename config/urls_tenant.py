"""Tenant URLs: the registrar admin and the resource API of the request's tenant."""

from django.urls import include, path, re_path

from academics.admin import registrar_site
from academics.api.auth_views import MeView, TokenView
from academics.api.changes import ChangesView
from academics.api.openapi import docs_urls
from academics.api.transport import api_not_found, bad_request, server_error
from config.urls_public import health, page_not_found, to_admin

urlpatterns = [
    path("", to_admin),
    path("health", health, name="health"),
    re_path(r"^api/oauth/token/?$", TokenView.as_view(), name="oauth-token"),
    re_path(r"^api/auth/me/?$", MeView.as_view(), name="auth-me"),
    re_path(r"^api/changes/?$", ChangesView.as_view(), name="changes"),
    *docs_urls(),
    path("api/", include("academics.api.urls")),
    path("admin/", registrar_site.urls),
    # Keep last: any other /api path is a JSON 404, never an HTML page (`[\s\S]`: even a path
    # with a newline in it).
    re_path(r"^api(/[\s\S]*)?$", api_not_found),
    # Any other page: ours, not Django's debug list of URL patterns. Paths ending in "/" only,
    # so that APPEND_SLASH still sends "/admin" to "/admin/" (and anything else here, too).
    re_path(r"^[\s\S]*/$", page_not_found),
]

# JSON on /api paths when something fails outside the API's views.
handler500 = server_error
handler400 = bad_request
