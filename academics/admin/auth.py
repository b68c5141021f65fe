"""Staff accounts: a tenant's superuser manages its registrars on the registrar site, platform
superusers manage platform staff on the platform site."""

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from academics.admin.sites import platform_site, registrar_site

for site in (registrar_site, platform_site):
    site.register(User, UserAdmin)
    site.register(Group, GroupAdmin)
