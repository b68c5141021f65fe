"""Staff accounts: a tenant's superuser manages its registrars on the registrar site, platform
superusers manage platform staff on the platform site."""

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from academics.admin.sites import platform_site, registrar_site


class PlatformUserAdmin(UserAdmin):
    """Platform staff are deactivated, not deleted: deleting a user follows every reference to
    it, including the history tables', which exist only in tenant schemas."""

    def has_delete_permission(self, request, obj=None):
        return False


registrar_site.register(User, UserAdmin)
registrar_site.register(Group, GroupAdmin)
platform_site.register(User, PlatformUserAdmin)
platform_site.register(Group, GroupAdmin)
