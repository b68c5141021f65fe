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
from django.db.backends.postgresql.base import ServerBindingCursor
from django_tenants.postgresql_backend import base

# psycopg's default: a statement sent this many times through a `PreparingCursor` is prepared.
PREPARE_THRESHOLD = 5


class PreparingCursor(ServerBindingCursor):
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

    def get_new_connection(self, conn_params):
        self.session_search_path = None
        return super().get_new_connection(conn_params)

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
