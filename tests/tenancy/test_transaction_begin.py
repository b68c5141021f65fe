"""The default backend leaves psycopg in autocommit and starts a transaction Django opens with
the transaction's first statement: `BEGIN` travels in that statement's message instead of being
a round trip of its own (academics/tenancy/session_path, docs/operations.md). What cannot share a
message gets psycopg's own `BEGIN` before it. Every statement runs in the transaction all the
same. Each test runs on a connection of its own, outside the test's transaction, and reads what
the client sent from libpq's protocol trace."""

import tempfile
from contextlib import contextmanager

import pytest
from django.db import DatabaseError
from psycopg.pq import Trace, TransactionStatus

from config.database import BACKENDS

SESSION = BACKENDS["session"]
PROBE = "public.begin_probe"


@pytest.fixture
def probe(connect):
    """An empty committed table `public.begin_probe (n int)`; returns a count of its rows as
    another connection sees them (committed rows only)."""
    owner = connect(SESSION)
    with owner.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {PROBE} (n int)")

    def committed_rows() -> int:
        with owner.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PROBE}")
            return cursor.fetchone()[0]

    yield committed_rows
    with owner.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE}")


@contextmanager
def messages_sent(wrapper):
    """The Query and Parse messages the client sends meanwhile, as their SQL text."""
    wrapper.ensure_connection()
    pgconn = wrapper.connection.pgconn
    sent: list[str] = []
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
        try:
            yield sent
        finally:
            pgconn.untrace()
            trace.seek(0)
            for line in trace:
                direction, _length, kind, *rest = line.rstrip("\n").split("\t")
                # Query\t "<sql>"; Parse\t "<name>" "<sql>" <parameter types>
                if direction == "F" and kind == "Query":
                    sent.append(rest[0].strip()[1:-1])
                elif direction == "F" and kind == "Parse":
                    sent.append(rest[0].split('"', 3)[3].rpartition('"')[0])


def run(wrapper, sql, params=None):
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def test_the_first_statement_carries_begin(connect, probe):
    # given a connection with its search path set, and a transaction opened (as `atomic` does)
    wrapper = connect(SESSION)
    run(wrapper, "SELECT 1")
    wrapper.set_autocommit(False)

    # when the transaction writes, reads and commits
    with messages_sent(wrapper) as sent:
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])
        first = run(wrapper, "SELECT pg_current_xact_id()::text, now()")
        second = run(wrapper, "SELECT pg_current_xact_id()::text, now()")
        wrapper.commit()
    wrapper.set_autocommit(True)

    # then BEGIN went with the first statement, and both later ones ran in its transaction
    assert sent == [
        f"BEGIN; INSERT INTO {PROBE} VALUES (1)",
        "SELECT pg_current_xact_id()::text, now()",
        "SELECT pg_current_xact_id()::text, now()",
        "COMMIT",
    ]
    assert first == second
    assert probe() == 1


def test_the_first_statement_is_rolled_back_with_its_transaction(connect, probe):
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])
    run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [2])

    wrapper.rollback()
    wrapper.set_autocommit(True)

    assert probe() == 0


def test_back_in_autocommit_every_statement_commits_on_its_own(connect, probe):
    # given a connection that ran a transaction
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    run(wrapper, "SELECT 1")
    wrapper.commit()
    wrapper.set_autocommit(True)

    # when it writes in autocommit
    with messages_sent(wrapper) as sent:
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])

    # then no transaction was opened, and another connection sees the row at once
    assert sent == [f"INSERT INTO {PROBE} VALUES (1)"]
    assert wrapper.connection.info.transaction_status == TransactionStatus.IDLE
    assert probe() == 1


def test_an_empty_transaction_sends_nothing(connect):
    wrapper = connect(SESSION)
    run(wrapper, "SELECT 1")

    with messages_sent(wrapper) as sent:
        wrapper.set_autocommit(False)
        wrapper.commit()
        wrapper.set_autocommit(True)

    assert sent == []


def test_a_failing_first_statement_leaves_a_transaction_that_rolls_back(connect, probe):
    # given a transaction whose first statement fails
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    with pytest.raises(DatabaseError):
        run(wrapper, "SELECT 1 / 0")

    # then the transaction is aborted, as Django expects, and rolls back; the connection goes on
    assert wrapper.connection.info.transaction_status == TransactionStatus.INERROR
    wrapper.rollback()
    wrapper.set_autocommit(True)
    run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])
    assert probe() == 1


def test_a_server_bound_first_statement_gets_begin_of_its_own(connect, probe):
    # given a transaction whose first statement is bound server-side (the shared cache's cursor,
    # a hot read), so that its message can hold no other statement
    wrapper = connect(SESSION)
    run(wrapper, "SELECT 1")
    wrapper.set_autocommit(False)

    # when it writes, then rolls back
    with messages_sent(wrapper) as sent:
        with wrapper.unrouted_cursor() as cursor:
            cursor.execute(f"INSERT INTO {PROBE} VALUES (%s)", [1])
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [2])
        wrapper.rollback()
    wrapper.set_autocommit(True)

    # then psycopg began the transaction before it, and the rollback undid both writes
    assert sent == [
        "BEGIN",
        f"INSERT INTO {PROBE} VALUES ($1)",
        f"INSERT INTO {PROBE} VALUES (2)",
        "ROLLBACK",
    ]
    assert probe() == 0


def test_with_server_side_binding_every_statement_runs_in_the_transaction(connect, probe):
    # given a connection binding every statement server-side (Django's `server_side_binding`)
    wrapper = connect(SESSION, server_side_binding=True)
    run(wrapper, "SELECT 1")
    wrapper.set_autocommit(False)

    with messages_sent(wrapper) as sent:
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [2])
        wrapper.rollback()
    wrapper.set_autocommit(True)

    assert sent == ["BEGIN", *[f"INSERT INTO {PROBE} VALUES ($1)"] * 2, "ROLLBACK"]
    assert probe() == 0


def test_copy_and_executemany_as_first_statements_run_in_the_transaction(connect, probe):
    for first in ("copy", "executemany"):
        wrapper = connect(SESSION)
        wrapper.set_autocommit(False)
        with wrapper.cursor() as cursor:
            if first == "copy":
                with cursor.cursor.copy(f"COPY {PROBE} (n) FROM STDIN") as copy:
                    copy.write_row([1])
            else:
                cursor.executemany(f"INSERT INTO {PROBE} VALUES (%s)", [[1], [2]])
        assert probe() == 0, first  # not committed yet
        wrapper.rollback()
        wrapper.set_autocommit(True)
        assert probe() == 0, first
        wrapper.close()


@pytest.mark.parametrize("after_a_statement", [False, True], ids=["first", "later"])
def test_a_named_cursor_reads_in_the_transaction(connect, probe, after_a_statement):
    # given a transaction that wrote a row, before or after declaring a named cursor
    # (Django's `iterator()`, the exports)
    wrapper = connect(SESSION)
    wrapper.set_autocommit(False)
    if after_a_statement:
        run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])

    # when the named cursor reads the table
    with wrapper.chunked_cursor() as cursor:
        cursor.execute(f"SELECT n FROM {PROBE}")
        if not after_a_statement:
            run(wrapper, f"INSERT INTO {PROBE} VALUES (%s)", [1])
        rows = cursor.fetchall()
        in_transaction = wrapper.connection.info.transaction_status == TransactionStatus.INTRANS
    wrapper.rollback()
    wrapper.set_autocommit(True)

    # then it read in the transaction: its own snapshot, the transaction's uncommitted row when
    # declared after it; and the rollback undid the row
    assert in_transaction
    assert rows == ([(1,)] if after_a_statement else [])
    assert probe() == 0
