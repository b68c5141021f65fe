"""The default backend (academics/tenancy/session_path): `SET search_path` only when the session
lacks the wanted path, and again whenever PostgreSQL may have undone it (docs/operations.md,
Connection pooling). Each test runs on a connection of its own, outside the test's transaction."""

from django.test.utils import CaptureQueriesContext

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
