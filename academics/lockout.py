"""Login lockout for the admins (django-axes): after `AXES_FAILURE_LIMIT` wrong passwords for one
user name from one address (academics/client_address.py), that pair is refused for
`AXES_COOLOFF_TIME`, the right password included.

The attempts are kept in the shared schema (one set of tables, not one per tenant: see
academics/migrations/0009), so the user name they count is qualified by the schema the login is
for: tenant A's "registrar" and tenant B's are different people."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db import connection


class LoginLockoutBackend(AxesStandaloneBackend):
    """Checks every login that comes with an HTTP request. Callers without one (the test client's
    `login`, a shell) have no address to count and are left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def username_in_tenant(request, credentials: dict | None = None) -> str | None:
    """The name axes counts attempts under: "<schema>:<user name>". A schema name holds no colon,
    so two tenants' names never meet."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    if username is None:
        return None
    return f"{connection.schema_name}:{username}"
