"""`migrate_tenants` (academics/tenancy/replay.py): a migration's SQL collected once, replayed in
each tenant schema in a transaction of its own, checked against the template's catalog."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from academics.tenancy.models import Tenant
from academics.tenancy.replay import (
    CATALOG,
    ReplayPlan,
    catalog_fingerprint,
    lagging,
    plan_for,
    replay,
    roles_digest,
)
from academics.tenancy.services import TEMPLATE_SCHEMA, tenant_provision
from tests.committed import committed

# The test database is made only for sessions holding a django_db test; the work itself is
# committed on connections of its own (tests/committed.py).
pytestmark = pytest.mark.django_db


def _last_two():
    """The newest migration of `academics` and the one before it."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    (last,) = graph.leaf_nodes("academics")
    (before,) = [p for p in graph.node_map[last].parents if p.key[0] == "academics"]
    return last, before.key[1]


LAST, BEFORE_LAST = _last_two()


@pytest.fixture(scope="module")
def lagging_tenant(django_db_setup, django_db_blocker):
    """A tenant whose schema is one migration behind the template's."""
    with django_db_blocker.unblock():
        tenant = tenant_provision(identifier="tenant-replay", name="Replay College").tenant
        connection.set_schema_to_public()
    schema = tenant.schema_name

    def unapply_last():
        call_command("migrate_schemas", "academics", BEFORE_LAST, schema_name=schema, verbosity=0)

    with django_db_blocker.unblock():
        committed(unapply_last)
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
        Tenant.objects.filter(pk=tenant.pk).delete()


def applied(schema: str) -> set:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def test_the_plan_is_the_missing_migration_as_sql(lagging_tenant):
    plan = committed(lambda: plan_for(lagging_tenant.schema_name))

    assert plan.migrations == [LAST]
    assert plan.replayable
    ddl = ("ALTER", "CREATE", "DROP", "DO")
    assert any(statement.lstrip().startswith(ddl) for statement in plan.statements)


def test_a_failing_replay_leaves_the_schema_as_it_was(lagging_tenant):
    schema = lagging_tenant.schema_name
    good = committed(lambda: plan_for(schema))
    before = committed(lambda: catalog_fingerprint(schema))
    target = committed(lambda: catalog_fingerprint(TEMPLATE_SCHEMA))
    # the plan's statements, then one that fails
    broken = ReplayPlan(good.migrations, [*good.statements, "SELECT * FROM no_such_table"])

    report = committed(lambda: replay([schema], broken, target, workers=1))

    assert list(report.failed) == [schema]
    assert committed(lambda: catalog_fingerprint(schema)) == before
    assert LAST not in committed(lambda: applied(schema))


def test_a_replay_that_leaves_the_schema_unlike_the_template_is_undone(lagging_tenant):
    schema = lagging_tenant.schema_name
    good = committed(lambda: plan_for(schema))
    target = committed(lambda: catalog_fingerprint(TEMPLATE_SCHEMA))
    before = committed(lambda: catalog_fingerprint(schema))
    # runs, but leaves an index the template lacks
    extra = ReplayPlan(
        good.migrations, [*good.statements, "CREATE INDEX extra_name ON academics_course (name)"]
    )

    report = committed(lambda: replay([schema], extra, target, workers=1))

    assert "differs from the template" in report.failed[schema]
    assert committed(lambda: catalog_fingerprint(schema)) == before


def test_migrate_tenants_replays_into_the_lagging_schema_only_and_resumes(lagging_tenant):
    schema = lagging_tenant.schema_name
    assert committed(lambda: lagging([schema, "tenant_template"], TEMPLATE_SCHEMA)) == [schema]

    out = io.StringIO()
    committed(lambda: call_command("migrate_tenants", "--workers", "2", stdout=out))

    assert "Migrated 1 schemas" in out.getvalue()
    assert LAST in committed(lambda: applied(schema))
    assert committed(lambda: catalog_fingerprint(schema)) == committed(
        lambda: catalog_fingerprint(TEMPLATE_SCHEMA)
    )
    # and a second run finds nothing to do
    again = io.StringIO()
    committed(lambda: call_command("migrate_tenants", stdout=again))
    assert "tenant schemas are migrated" in again.getvalue()


def test_the_check_of_a_schema_reads_no_catalog_whole(lagging_tenant):
    """Each schema's check finds its catalog rows through an index condition, so that its cost
    does not grow with the number of tenants (scanning pg_class for a schema took about 1 s at
    10,000 tenants: it has no index on the schema alone)."""
    tables = committed(lambda: catalog_fingerprint(TEMPLATE_SCHEMA)).tables

    def scans(node):
        yield node
        for child in node.get("Plans", []):
            yield from scans(child)

    with transaction.atomic(), connection.cursor() as cursor:
        # Whether an index path exists, not which one the planner takes on a small catalog.
        for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) " + CATALOG,
            {"schema": lagging_tenant.schema_name, "tables": list(tables)},
        )
        ((plan,),) = cursor.fetchall()
    catalogs = [n for n in scans(plan[0]["Plan"]) if n.get("Relation Name", "").startswith("pg_")]
    whole = [n["Relation Name"] for n in catalogs if not {"Index Cond", "Recheck Cond"} & set(n)]
    assert catalogs
    assert whole == []


def test_a_schema_whose_roles_lag_gets_them_with_the_replay(lagging_tenant):
    """The replay runs `ensure_roles` only where the roles differ from the template's; a schema
    whose role lost a permission gets it back, and then matches the template."""
    schema = lagging_tenant.schema_name

    def lose_a_permission():
        with connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{schema}".auth_group_permissions WHERE id = '
                f'(SELECT min(id) FROM "{schema}".auth_group_permissions)'
            )

    committed(
        lambda: call_command(
            "migrate_schemas", "academics", BEFORE_LAST, schema_name=schema, verbosity=0
        )
    )
    committed(lose_a_permission)
    target = committed(lambda: catalog_fingerprint(TEMPLATE_SCHEMA))
    assert committed(lambda: roles_digest(schema)) != target.roles

    report = committed(lambda: replay([schema], committed(lambda: plan_for(schema)), target))

    assert report.migrated == [schema]
    assert committed(lambda: catalog_fingerprint(schema)) == target
