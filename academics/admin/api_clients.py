"""A tenant's API clients as its registrar staff see them: read-only, this tenant's only, and
never a secret (only its hash is stored anyway). Platform staff manage them."""

from django.contrib import admin

from academics.admin.sites import registrar_site
from academics.tenancy.models import ApiClient


@admin.register(ApiClient, site=registrar_site)
class TenantApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "client_id", "scopes", "is_active", "created_at", "revoked_at")
    list_filter = ("is_active",)
    search_fields = ("name", "application__client_id")
    fields = list_display
    readonly_fields = list_display
    list_select_related = ("application",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
