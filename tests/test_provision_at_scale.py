"""Provisioning must not slow down as tenants accumulate (bench/many_tenants.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics.tenancy import services
from academics.tenancy.models import Tenant
from academics.tenancy.services import ProvisioningError, tenant_provision


def schema_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace")
        return cursor.fetchone()[0]


def test_a_copy_lacking_a_template_table_is_refused_and_dropped(db, monkeypatch):
    services.ensure_template_schema()
    monkeypatch.setattr(
        services, "_template_tables", [*services._template_tables, "table_the_copy_lacks"]
    )
    before = schema_count()
    with pytest.raises(ProvisioningError, match="lacks table_the_copy_lacks"):
        tenant_provision(identifier="incomplete-copy", name="Incomplete")
    assert not Tenant.objects.filter(identifier="incomplete-copy").exists()
    assert schema_count() == before


def test_checking_a_copy_does_not_list_the_schemas_tables(db):
    """Listing a schema's tables (information_schema, pg_tables) scans the relations of every
    tenant; with 1,000 tenants that took ~0.1 s per listing. The copy is checked by name."""
    services.ensure_template_schema()
    with CaptureQueriesContext(connection) as queries:
        tenant_provision(identifier="checked-by-name", name="Checked")
    assert Tenant.objects.filter(identifier="checked-by-name").exists()
    listing = [
        query["sql"]
        for query in queries.captured_queries
        if "information_schema" in query["sql"] or "pg_tables" in query["sql"]
    ]
    assert listing == []
