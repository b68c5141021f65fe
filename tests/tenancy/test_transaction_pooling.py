"""The backend for `DATABASE_POOLER=transaction` (academics/tenancy/transaction_pooling): every
statement runs in its cursor's tenant schema whatever search path its server connection has, and
leaves none behind (docs/operations.md, Connection pooling). Each test runs on a connection of
its own with either backend; the session backend (django-tenants' own) shows the hazard."""

import pytest
from django.test.utils import CaptureQueriesContext

from config.database import BACKENDS

POOLED, SESSION = BACKENDS["transaction"], BACKENDS["session"]


def leave_session_path(wrapper, schema_name):
    """What another client's `SET search_path` leaves on the server connection the pooler hands
    over next."""
    wrapper.connection.execute(f'SET search_path = "{schema_name}"')


def session_path(wrapper) -> str:
    return wrapper.connection.execute("SHOW search_path").fetchone()[0]


@pytest.mark.parametrize(
    ("engine", "runs_in"), [(POOLED, "own tenant"), (SESSION, "foreign tenant")], ids=str
)
def test_a_statement_runs_in_its_cursors_tenant_schema(
    connect, tenant_a, tenant_b, engine, runs_in
):
    # given a cursor opened for tenant A, on a server connection another tenant then set
    wrapper = connect(engine)
    wrapper.set_tenant(tenant_a)
    with wrapper.cursor() as cursor:
        leave_session_path(wrapper, tenant_b.schema_name)

        # when
        cursor.execute("SELECT current_schema()")

        # then
        schema = cursor.fetchone()[0]
    expected = {"own tenant": tenant_a, "foreign tenant": tenant_b}[runs_in]
    assert schema == expected.schema_name


@pytest.mark.parametrize(("engine", "leaves_path"), [(POOLED, False), (SESSION, True)], ids=str)
def test_an_autocommit_statement_leaves_no_path_on_the_server_connection(
    connect, tenant_a, engine, leaves_path
):
    wrapper = connect(engine)
    wrapper.set_tenant(tenant_a)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert (tenant_a.schema_name in session_path(wrapper)) is leaves_path


@pytest.mark.parametrize(
    ("engine", "messages"),
    [
        (POOLED, ['SET LOCAL search_path = "{schema}", "public"; SELECT 1']),
        (SESSION, ['SET search_path = "{schema}","public"', "SELECT 1"]),
    ],
    ids=str,
)
def test_the_search_path_costs_no_message_of_its_own(connect, tenant_a, engine, messages):
    wrapper = connect(engine)
    wrapper.set_tenant(tenant_a)
    with CaptureQueriesContext(wrapper) as queries, wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
    expected = [message.format(schema=tenant_a.schema_name) for message in messages]
    assert [query["sql"] for query in queries] == expected


def test_executemany_and_copy_in_autocommit_run_in_the_tenant_schema(connect, tenant_a, tenant_b):
    wrapper = connect(POOLED)
    wrapper.set_tenant(tenant_a)
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE seen (schema_name text, n int)")
        leave_session_path(wrapper, tenant_b.schema_name)
        cursor.executemany("INSERT INTO pg_temp.seen VALUES (current_schema(), %s)", [(1,), (2,)])
        leave_session_path(wrapper, tenant_b.schema_name)
        with cursor.cursor.copy("COPY (SELECT current_schema()) TO STDOUT") as copy:
            copied = b"".join(bytes(data) for data in copy).decode().split()
        cursor.execute("SELECT schema_name FROM pg_temp.seen ORDER BY n")
        inserted = [row[0] for row in cursor.fetchall()]
    assert inserted == [tenant_a.schema_name] * 2
    assert copied == [tenant_a.schema_name]


def test_an_aborted_transaction_still_rolls_back_to_its_savepoint(connect, tenant_a):
    # given a transaction whose statement failed after a savepoint
    wrapper = connect(POOLED)
    wrapper.set_tenant(tenant_a)
    wrapper.set_autocommit(False)
    with wrapper.cursor() as cursor:
        cursor.execute("SAVEPOINT before")
        with pytest.raises(Exception, match="division by zero"):
            cursor.execute("SELECT 1 / 0")

        # when
        cursor.execute("ROLLBACK TO SAVEPOINT before")

        # then the transaction goes on, in the tenant's schema
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone()[0] == tenant_a.schema_name
    wrapper.rollback()


def test_a_chunked_read_streams_in_a_transaction_and_reads_at_once_outside(connect, tenant_a):
    wrapper = connect(POOLED)
    wrapper.set_tenant(tenant_a)
    with wrapper.chunked_cursor() as outside:
        assert getattr(outside.cursor, "name", None) is None
    wrapper.set_autocommit(False)
    with wrapper.chunked_cursor() as inside:
        inside.execute("SELECT current_schema() FROM generate_series(1, 3)")
        assert inside.cursor.name.startswith("_django_curs_")
        assert [row[0] for row in inside.fetchall()] == [tenant_a.schema_name] * 3
    wrapper.rollback()


def test_a_hot_read_is_never_prepared_behind_the_pooler(connect, tenant_a):
    # the server connection that would hold it may serve the next statement's client instead
    wrapper = connect(POOLED)
    wrapper.set_tenant(tenant_a)
    answers = [wrapper.fetch_prepared("SELECT current_schema()", ()) for _ in range(10)]
    assert answers == [[(tenant_a.schema_name,)]] * 10
    assert wrapper.connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone() == (
        0,
    )


def test_a_message_of_several_statements_answers_each_in_turn_in_the_cursors_schema(
    connect, tenant_a, tenant_b
):
    # (a body's references are looked up so, academics/selectors.live_records)
    wrapper = connect(POOLED)
    wrapper.set_tenant(tenant_a)
    with wrapper.cursor() as cursor:
        leave_session_path(wrapper, tenant_b.schema_name)
        cursor.execute("SELECT %s::int, current_schema(); SELECT %s::int", [1, 2])
        first = cursor.fetchone()
        cursor.nextset()
        second = cursor.fetchone()
    assert first == (1, tenant_a.schema_name) and second == (2,)
