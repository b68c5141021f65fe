"""Staff accounts: a tenant's superuser manages its registrars on the registrar site, platform
superusers manage platform staff on the platform site."""

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from academics.admin.sites import platform_site, registrar_site


class StaffUserAdmin(UserAdmin):
    """Staff are deactivated, not deleted. Deleting a user follows every reference to it: from
    the public schema that includes tenant-only history tables (an error), and from a tenant
    schema the public OAuth tables, whose user ids belong to another schema's users."""

    def has_delete_permission(self, request, obj=None):
        return False


for site in (registrar_site, platform_site):
    site.register(User, StaffUserAdmin)
    site.register(Group, GroupAdmin)
