"""Staff roles of a tenant's registrar admin, as Django groups in the tenant's schema.

`ensure_roles()` is idempotent. It runs after every migration of a tenant schema (so the template
schema, and therefore every tenant cloned from it, has the groups) and from the commands that
create staff users (so tenants cloned before a change of roles catch up)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django_tenants.utils import get_public_schema_name

from academics.records import REGISTRY

REGISTRAR = "registrar"
VIEWER = "viewer"
ROLES = (REGISTRAR, VIEWER)
MSG_UNKNOWN_ROLE = "Unknown role {role!r}; choose one of: {roles}."
RECORD_MODELS = tuple(record.model._meta.model_name for record in REGISTRY)
ROLE_ACTIONS = {
    REGISTRAR: ("view", "add", "change", "delete"),
    VIEWER: ("view",),
}


def ensure_roles() -> dict[str, Group]:
    """Create or correct the role groups of the current tenant schema."""
    create_permissions(apps.get_app_config("academics"), verbosity=0)
    groups = {}
    for role, actions in ROLE_ACTIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        codenames = [f"{action}_{model}" for action in actions for model in RECORD_MODELS]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="academics", codename__in=codenames)
        )
        groups[role] = group
    return groups


def ensure_roles_after_migrate(sender, **kwargs):
    if connection.schema_name != get_public_schema_name():
        ensure_roles()


def staff_user_save(*, username: str, role: str, password: str | None = None):
    """Create or update the current tenant's staff user `username` with exactly `role`.
    An existing user keeps its password unless one is given."""
    if role not in ROLES:
        raise ValueError(MSG_UNKNOWN_ROLE.format(role=role, roles=", ".join(ROLES)))
    groups = ensure_roles()
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    user.is_staff = True
    user.is_active = True
    user.is_superuser = False
    if password is not None:
        user.set_password(password)
    user.save()
    user.groups.set([groups[role]])
    return user
