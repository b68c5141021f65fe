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


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rolled-back tests must not leave cached tenants or tokens behind."""
    for alias in ("default", "tenants"):
        caches[alias].clear()
    yield


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
