"""django-tenants' PostgreSQL backend, setting the search path only when the session lacks it
(the default; `DATABASE_POOLER` unset or `session`, docs/operations.md, Connection pooling).

django-tenants sends `SET search_path` before every cursor's statements, and again for every
request even when the worker's connection already has that tenant's path: a round trip per
statement, half of a warm read's. Here the wrapper remembers the path the session really has
and sends the `SET` only when another one is wanted.

What it remembers is forgotten whenever PostgreSQL may have reverted or lost it: a `SET` is
transactional, so a rollback (to a savepoint too) may undo it, and a new or closed connection has
the default path. A `SET` that failed is not remembered.

Hot statements are prepared: a list page's (the same SQL for every request with the same query
string) through `fetch_prepared`, the shared cache's through `unrouted_cursor`. psycopg prepares
a statement on the server the `PREPARE_THRESHOLD`-th time the connection sends it, and
PostgreSQL no longer parses and plans it for every request (a list with its joins: about 1 ms).
A prepared statement is re-parsed whenever the session's search path differs from its last use,
so it always reads the current tenant's tables. Every other statement is bound client-side and
never prepared, as in Django.
"""

from django.db import NotSupportedError
from django.db.backends.postgresql.base import Cursor, ServerBindingCursor
from django_tenants.postgresql_backend import base
from psycopg.pq import TransactionStatus

# psycopg's default: a statement sent this many times through a `PreparingCursor` is prepared.
PREPARE_THRESHOLD = 5


class BeginsTransactions:
    """A psycopg cursor on a connection left in psycopg's autocommit, whose Django wrapper wants
    a transaction (`transaction_wanted`): the transaction's first statement starts it. psycopg
    would send its own `BEGIN` and wait for its answer, a round trip of its own; here `BEGIN`
    travels in the statement's message. A statement that cannot share its message (bound
    server-side, `executemany`, `COPY`) hands the transaction to psycopg instead, which sends
    `BEGIN` before it, as it does for Django's connections, until Django's next
    `set_autocommit(True)`."""

    carries_begin = False

    def _begins(self) -> bool:
        connection = self.connection
        return (
            getattr(connection, "transaction_wanted", False)
            and connection.autocommit
            and connection.info.transaction_status == TransactionStatus.IDLE
        )

    def execute(self, query, params=None, **kwargs):
        if not self._begins():
            return super().execute(query, params, **kwargs)
        if self.carries_begin and isinstance(query, str):
            super().execute("BEGIN; " + query, params, **kwargs)
            self.nextset()  # past BEGIN's result, onto the statement's own
            return self
        self.connection.autocommit = False
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        if self._begins():
            self.connection.autocommit = False
        return super().executemany(query, params_seq, **kwargs)

    def copy(self, statement, params=None, **kwargs):
        if self._begins():
            self.connection.autocommit = False
        return super().copy(statement, params, **kwargs)


class ClientBindingCursor(BeginsTransactions, Cursor):
    """Django's default cursor (bound client-side, sent as a simple Query message, which may
    hold several statements)."""

    carries_begin = True


class ServerBoundCursor(BeginsTransactions, ServerBindingCursor):
    """Django's cursor with `server_side_binding` (one statement per message)."""


# Django's cursor classes, and this backend's for each.
CURSORS = {Cursor: ClientBindingCursor, ServerBindingCursor: ServerBoundCursor}


class PreparingCursor(ServerBoundCursor):
    """Binds server-side and has psycopg prepare a statement once sent `PREPARE_THRESHOLD`
    times. The connection's threshold is on only while such a cursor executes: psycopg would
    otherwise remember the text of every client-side statement too (their values inlined: a
    bulk insert's is megabytes), up to 100 of them per connection."""

    def execute(self, query, params=None, **kwargs):
        connection, off = self.connection, self.connection.prepare_threshold  # None (Django)
        connection.prepare_threshold = PREPARE_THRESHOLD
        try:
            return super().execute(query, params, **kwargs)
        finally:
            connection.prepare_threshold = off


class DatabaseWrapper(base.DatabaseWrapper):
    """django-tenants' wrapper (see the module's doc), which also leaves psycopg in autocommit:
    a transaction Django opens starts with its first statement (`BeginsTransactions`)."""

    # The search path (list of schemas) the session is known to have, or None when unknown.
    session_search_path: list[str] | None = None

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        wanted = self._get_cursor_search_paths()
        if wanted == self.session_search_path:
            self.search_path_set_schemas = wanted
            return
        super()._handle_search_path(cursor)
        # django-tenants records the path only once its `SET` has succeeded.
        self.session_search_path = self.search_path_set_schemas

    def fetch_prepared(self, sql: str, params) -> list[tuple]:
        """The rows of a hot read, whose statement the session keeps prepared once sent often
        enough. Counted and logged like any statement (Django's cursor wrapper)."""
        self.cursor().close()  # the search path, when the session lacks it
        with self._prepare_cursor(PreparingCursor(self.connection)) as cursor:
            try:
                cursor.execute(sql, params)
            except NotSupportedError:
                # "cached plan must not change result type": a migration changed a column the
                # statement returns. Outside a transaction, drop what the session prepared
                # (psycopg forgets it too) and send it again; in one, the rollback drops it.
                if not self.get_autocommit():
                    raise
                cursor.execute("DEALLOCATE ALL")
                cursor.execute(sql, params)
            return cursor.fetchall()

    def unrouted_cursor(self):
        """A bare psycopg cursor, outside Django's wrapper and the tenant's search path, for
        statements that name their schema (the shared cache, academics/tenancy/cache.py):
        bound server-side, so psycopg prepares the ones sent on every request."""
        self.ensure_connection()
        return PreparingCursor(self.connection)

    def get_connection_params(self):
        params = super().get_connection_params()
        params["cursor_factory"] = CURSORS[params["cursor_factory"]]
        return params

    def get_new_connection(self, conn_params):
        self.session_search_path = None
        connection = super().get_new_connection(conn_params)  # in psycopg's autocommit
        connection.transaction_wanted = False
        return connection

    def _set_autocommit(self, autocommit):
        with self.wrap_database_errors:
            self.connection.transaction_wanted = not autocommit
            if autocommit:
                self.connection.autocommit = True

    def create_cursor(self, name=None):
        # A named cursor is declared by psycopg, not by one of this backend's cursors: in a
        # transaction not yet begun, psycopg begins it and declares the cursor without hold. In
        # one begun by an earlier statement, Django declares it WITH HOLD (it asks psycopg's
        # autocommit), in the transaction all the same; it closes it once read.
        connection = self.connection
        if (
            name
            and connection.transaction_wanted
            and connection.autocommit
            and connection.info.transaction_status == TransactionStatus.IDLE
        ):
            connection.autocommit = False
        return super().create_cursor(name)

    def close(self):
        self.session_search_path = None
        super().close()

    def rollback(self):
        self.session_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self.session_search_path = None
