"""Tenant URLs: the registrar admin and the resource API of the request's tenant."""

from django.contrib import admin
from django.urls import path

from academics.api.auth_views import MeView, TokenView
from config.urls_public import health

urlpatterns = [
    path("health", health, name="health"),
    path("api/oauth/token", TokenView.as_view(), name="oauth-token"),
    path("api/auth/me", MeView.as_view(), name="auth-me"),
    path("admin/", admin.site.urls),
]
