"""Tenant URLs: the registrar admin and the resource API of the request's tenant."""

from django.contrib import admin
from django.urls import path

from config.urls_public import health

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
]
