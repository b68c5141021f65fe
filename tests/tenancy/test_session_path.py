"""The default backend (academics/tenancy/session_path): `SET search_path` only when the session
lacks the wanted path, and again whenever PostgreSQL may have undone it (docs/operations.md,
Connection pooling). Each test runs on a connection of its own, outside the test's transaction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics.tenancy.cache import PostgresCache
from academics.tenancy.session_path.base import PREPARE_THRESHOLD
from config.database import BACKENDS

SESSION = BACKENDS["session"]


def current_schema(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def sent(queries) -> list[str]:
    return [query["sql"] for query in queries]


def test_the_path_is_sent_once_per_session_and_tenant(connect, tenant_a, tenant_b):
    # given a connection that read tenant A, then was routed to public and back (as every
    # request is, by the tenant middleware)
    wrapper = connect(SESSION)
    wrapper.set_tenant(tenant_a)
    current_schema(wrapper)
    wrapper.set_schema_to_public()
    wrapper.set_tenant(tenant_a)

    # when it reads tenant A twice, then tenant B
    with CaptureQueriesContext(wrapper) as queries:
        first, second = current_schema(wrapper), current_schema(wrapper)
        wrapper.set_tenant(tenant_b)
        other = current_schema(wrapper)

    # then only the change of tenant sent a path
    assert (first, second, other) == (
        tenant_a.schema_name,
        tenant_a.schema_name,
        tenant_b.schema_name,
    )
    assert sent(queries) == [
        "SELECT current_schema()",
        "SELECT current_schema()",
        f'SET search_path = "{tenant_b.schema_name}","public"',
        "SELECT current_schema()",
    ]


def test_a_path_undone_by_a_rollback_is_sent_again(connect, tenant_a):
    # given a path set inside a transaction that is then rolled back
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    wrapper.set_tenant(tenant_a)
    current_schema(wrapper)
    wrapper.rollback()

    # when / then: the session lost the path; the next statement sets it again
    assert current_schema(wrapper) == tenant_a.schema_name
    wrapper.rollback()


def test_a_path_undone_by_a_savepoint_rollback_is_sent_again(connect, tenant_a, tenant_b):
    # given tenant A's path, then tenant B's set after a savepoint that is rolled back
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    wrapper.set_tenant(tenant_a)
    current_schema(wrapper)
    savepoint = wrapper.savepoint()
    wrapper.set_tenant(tenant_b)
    current_schema(wrapper)
    wrapper.savepoint_rollback(savepoint)

    # when the connection goes on for tenant B, whose path the session no longer has
    schema = current_schema(wrapper)

    # then its statements run in B's schema, not in A's that the rollback restored
    assert schema == tenant_b.schema_name
    wrapper.rollback()


def test_a_new_connection_gets_the_path(connect, tenant_a):
    wrapper = connect(SESSION)
    wrapper.set_tenant(tenant_a)
    current_schema(wrapper)
    wrapper.close()

    assert current_schema(wrapper) == tenant_a.schema_name


PROBE = "prepared_probe"


@pytest.fixture
def probes(connect, tenant_a, tenant_b):
    """A committed table `prepared_probe` in tenant A's and B's schemas holding the tenant's
    letter; returns the connection that made it (and drops it afterwards)."""
    owner = connect(SESSION)
    with owner.cursor() as cursor:
        for tenant, label in ((tenant_a, "A"), (tenant_b, "B")):
            cursor.execute(f'CREATE TABLE "{tenant.schema_name}".{PROBE} (label varchar(8))')
            cursor.execute(f'INSERT INTO "{tenant.schema_name}".{PROBE} VALUES (%s)', [label])
    yield owner
    with owner.cursor() as cursor:
        for tenant in (tenant_a, tenant_b):
            cursor.execute(f'DROP TABLE IF EXISTS "{tenant.schema_name}".{PROBE}')


def prepared_statements(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_hot_read_is_prepared_and_reads_the_tenant_of_each_use(
    connect, probes, tenant_a, tenant_b
):
    # given a read sent often enough in tenant A for the session to prepare it
    wrapper = connect(SESSION)
    wrapper.set_tenant(tenant_a)
    read = f"SELECT label FROM {PROBE} WHERE label <> %s"
    answers = [wrapper.fetch_prepared(read, ["-"]) for _ in range(PREPARE_THRESHOLD + 1)]

    # when the connection goes on for tenant B
    wrapper.set_tenant(tenant_b)
    other = wrapper.fetch_prepared(read, ["-"])

    # then the prepared statement was re-read in B's schema
    assert answers == [[("A",)]] * (PREPARE_THRESHOLD + 1)
    assert other == [("B",)]
    assert prepared_statements(wrapper) == [f"SELECT label FROM {PROBE} WHERE label <> $1"]


def test_only_the_hot_reads_count_towards_preparing(connect, tenant_a):
    # psycopg remembers the text of each statement it counts; client-side statements carry
    # their values inline, so counting them would keep up to 100 of any size per connection
    wrapper = connect(SESSION)
    wrapper.set_tenant(tenant_a)
    # (the connection's threshold, psycopg's switch for counting, is on only during them)
    assert wrapper.fetch_prepared("SELECT 1", ()) == [(1,)]
    assert wrapper.connection.prepare_threshold is None


def test_a_prepared_read_survives_a_migration_that_changes_its_columns(connect, probes, tenant_a):
    # given a prepared read of a varchar column
    wrapper = connect(SESSION)
    wrapper.set_tenant(tenant_a)
    read = f"SELECT label FROM {PROBE}"
    for _ in range(PREPARE_THRESHOLD + 1):
        wrapper.fetch_prepared(read, ())

    # when another process changes that column's type (PostgreSQL then refuses the prepared
    # statement: "cached plan must not change result type")
    with probes.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{tenant_a.schema_name}".{PROBE} ALTER label TYPE text')

    # then the read is prepared again and answers
    assert wrapper.fetch_prepared(read, ()) == [("A",)]


def test_the_shared_caches_statements_are_prepared_once_hot(db):
    # given the cache in its PostgreSQL table, read and counted as on every request
    cache = PostgresCache("platform_cache", {})
    cache.set("prepared:count", 0)
    for _ in range(PREPARE_THRESHOLD + 1):
        cache.get("prepared:missing")
        cache.incr("prepared:count")

    # then the session keeps both statements prepared
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = sorted(row[0].split()[0] for row in cursor.fetchall())
    assert cache.get("prepared:count") == PREPARE_THRESHOLD + 1
    assert prepared == ["SELECT", "UPDATE"]
