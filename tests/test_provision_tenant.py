from importlib import import_module

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from academics.models import Student
from academics.tenancy.models import Domain, Tenant
from academics.tenancy.services import TEMPLATE_SCHEMA, tenant_provision


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("provision_tenant", *args, stdout=out)
    return out.getvalue()


def test_provision_creates_tenant_schema_and_domains(db):
    output = run("new-uni", "--name", "New University", "--domain", "records.new-uni.edu")
    tenant = Tenant.objects.get(identifier="new-uni")
    assert tenant.name == "New University"
    assert schema_exists(tenant.schema_name)
    assert set(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)) == {
        "new-uni.localhost",
        "records.new-uni.edu",
    }
    assert tenant.get_primary_domain().domain == "new-uni.localhost"
    assert "Created tenant 'new-uni'" in output
    with tenant_context(tenant):
        assert Student.objects.count() == 0  # a usable, empty schema


def test_provision_again_changes_nothing_and_says_so(db):
    run("again-uni", "--name", "First Name")
    before = Tenant.objects.get(identifier="again-uni")
    output = run("again-uni", "--name", "Other Name", "--domain", "x.example.edu")
    after = Tenant.objects.get(identifier="again-uni")
    assert "already exists; nothing changed" in output
    assert (after.name, after.schema_name) == ("First Name", before.schema_name)
    assert not Domain.objects.filter(domain="x.example.edu").exists()


@pytest.mark.parametrize("identifier", ["Bad_Name", "public", "-lead", "x" * 64, "a b"])
def test_provision_rejects_invalid_identifier(db, identifier):
    with pytest.raises(CommandError):
        run(identifier, "--name", "Bad")
    assert not Tenant.objects.filter(identifier=identifier).exists()


def test_cloned_and_migrated_schemas_have_the_same_tables(db):
    cloned = tenant_provision(identifier="cloned", name="Cloned", clone=True).tenant
    migrated = tenant_provision(identifier="migrated", name="Migrated", clone=False).tenant

    def tables(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                [schema],
            )
            return {row[0] for row in cursor.fetchall()}

    assert tables(cloned.schema_name) == tables(migrated.schema_name) == tables(TEMPLATE_SCHEMA)


def test_cloned_schema_has_the_migrated_constraints_indexes_and_migration_records(db):
    cloned = tenant_provision(identifier="clone-deep", name="Cloned", clone=True).tenant
    migrated = tenant_provision(identifier="migrate-deep", name="Migrated", clone=False).tenant

    def shape(schema):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint c JOIN pg_namespace n "
                "ON n.oid = c.connamespace WHERE n.nspname = %s",
                [schema],
            )
            constraints = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", [schema])
            indexes = {row[0] for row in cursor.fetchall()}
            cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
            migrations = set(cursor.fetchall())
        return constraints, indexes, migrations

    cloned_shape, migrated_shape = shape(cloned.schema_name), shape(migrated.schema_name)
    assert "enrollment_grade_range" in cloned_shape[0]
    assert cloned_shape == migrated_shape


def test_cloned_schema_holds_no_records_of_the_template(db):
    cloned = tenant_provision(identifier="clean-clone", name="Clean", clone=True).tenant
    with tenant_context(cloned):
        assert Student.all_objects.count() == 0


def test_a_new_tenant_puts_nothing_on_the_shared_tables(db):
    """No key from a tenant schema to a shared table: each would add integrity triggers to the
    shared table per tenant, which every later provisioning and session pays for
    (academics/migrations/0008)."""

    def triggers_on_public():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = 'public'::regnamespace"
            )
            return cursor.fetchone()[0]

    before = triggers_on_public()
    for clone in (True, False):
        tenant = tenant_provision(identifier=f"shared-{clone:d}", name="Shared", clone=clone).tenant
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT k.conname FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid "
                "WHERE k.contype = 'f' AND k.connamespace = %s::regnamespace "
                "AND r.relnamespace <> k.connamespace",
                [tenant.schema_name],
            )
            assert cursor.fetchall() == []
    assert triggers_on_public() == before


def _schemas_with(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s "
            "ORDER BY table_schema",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def test_login_attempt_tables_leave_tenant_schemas_and_stay_shared(tenant_a):
    """academics 0009 drops a tenant schema's own copies of the login-attempt tables, and run
    again where they are gone (names resolving to the shared tables on the search path), it
    leaves the shared ones alone."""
    migration = import_module("academics.migrations.0009_login_attempts_in_the_shared_schema")
    schema = tenant_a.schema_name
    assert _schemas_with("axes_accessattempt") == ["public"]  # a new tenant has none
    with connection.cursor() as cursor:
        for table in migration.TABLES:  # as a tenant provisioned before 0009 has them
            cursor.execute(f'CREATE TABLE "{schema}".{table} (LIKE public.{table})')
    assert _schemas_with("axes_accessattempt") == sorted(["public", schema])

    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute(migration.DROP)
        cursor.execute(migration.DROP)

    connection.set_schema_to_public()
    for table in migration.TABLES:
        assert _schemas_with(table) == ["public"]
