"""Test tenancy: two tenant schemas are created once per session; each test runs inside one of
them (tenant A unless it asks for B) in a transaction that is rolled back."""

import pytest
from django.core.cache import caches
from django.db import connection
from django_tenants.utils import tenant_context

from academics.tenancy.services import tenant_provision

TENANT_A = "tenant-a"
TENANT_B = "tenant-b"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tenant_provision(identifier=TENANT_A, name="Tenant A University")
        tenant_provision(identifier=TENANT_B, name="Tenant B College")


@pytest.fixture(scope="session")
def _cache_eraser(django_db_setup):
    """An autocommit connection of its own: the shared cache is a table (or Redis), and a clear
    made inside a test's transaction would be rolled back with it."""
    import psycopg

    if not connection.settings_dict["NAME"].startswith("test_"):
        # A session with no database test has no test database: nothing to clear, and never
        # the development database's cache.
        yield None
        return
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as eraser:
        yield eraser


@pytest.fixture(autouse=True)
def _fresh_caches(settings, _cache_eraser):
    """No test sees what another left in the cache: tenants, tokens, throttle counts."""
    if settings.CACHE_URL:
        caches["default"].clear()
    elif _cache_eraser is not None:
        table = caches["default"].table
        _cache_eraser.execute(f"DELETE FROM {table}")
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Client secrets and staff passwords are hashed; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # secrets stored before HMAC
        "academics.tenancy.secrets.ClientSecretHasher",
    ]


def issue_token(client, *, expires_in: int = 3600) -> str:
    """A bearer token of `client`, stored as django-oauth-toolkit stores it (checksum only)."""
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import AccessToken, set_token_value

    raw = generate_client_secret()
    token = AccessToken(
        application=client.application,
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=client.scopes,
    )
    set_token_value(token, raw)
    token.save()
    return raw


@pytest.fixture
def make_api_client(db):
    """`make_api_client(tenant, read_only=False)`: a DRF APIClient that sends a valid bearer
    token of a new API client of `tenant` and `X-Tenant: <tenant>`. The API client record is
    on `.api_client`."""
    from rest_framework.test import APIClient

    from academics.tenancy.clients import api_client_create

    def make(tenant, *, read_only: bool = False):
        issued = api_client_create(tenant=tenant, name="Test integration", read_only=read_only)
        http = APIClient()
        http.credentials(
            HTTP_AUTHORIZATION=f"Bearer {issue_token(issued.client)}",
            HTTP_X_TENANT=tenant.identifier,
        )
        http.api_client = issued.client
        return http

    return make


@pytest.fixture
def api_client(make_api_client, tenant_a):
    """Read/write API client of tenant A."""
    return make_api_client(tenant_a)


@pytest.fixture
def api_client_b(make_api_client, tenant_b):
    """Read/write API client of tenant B."""
    return make_api_client(tenant_b)


@pytest.fixture
def tenant_a(db):
    from academics.tenancy.models import Tenant

    return Tenant.objects.get(identifier=TENANT_A)


@pytest.fixture
def tenant_b(db):
    from academics.tenancy.models import Tenant

    return Tenant.objects.get(identifier=TENANT_B)


@pytest.fixture
def in_tenant_a(tenant_a):
    """Run the test with tenant A's schema active."""
    with tenant_context(tenant_a):
        yield tenant_a
    connection.set_schema_to_public()


@pytest.fixture
def in_tenant_b(tenant_b):
    with tenant_context(tenant_b):
        yield tenant_b
    connection.set_schema_to_public()
