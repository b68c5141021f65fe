from django.contrib import admin
from django.db import models

from academics.admin.base import RecordAdmin
from academics.admin.display import status_column
from academics.admin.sites import registrar_site
from academics.models import Institution, Organization


@admin.register(Institution, site=registrar_site)
class InstitutionAdmin(RecordAdmin):
    list_display = ("name", "legal_name", "country", status_column("status"), "created_at")
    list_filter = ("status", "country", "is_badges_enabled", "created_at")
    search_fields = ("name", "legal_name", "tax_id")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organization, site=registrar_site)
class OrganizationAdmin(RecordAdmin):
    list_display = ("name", "code", "institution", "created_at")
    list_filter = ("institution", "created_at")
    list_select_related = ("institution",)
    search_fields = ("name", "code", "institution__name")
    autocomplete_fields = ("institution",)
