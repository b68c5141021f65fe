"""django-tenants' PostgreSQL backend for a pooler in transaction mode (`DATABASE_POOLER=
transaction`; docs/operations.md, Connection pooling).

django-tenants sets the tenant with `SET search_path`, a statement of its own sent before a
cursor's queries. Behind PgBouncer in transaction pooling, every autocommit statement may run on
a different server connection, so a query can run under the search path another client (another
tenant) left on its server connection. Here the search path travels with each statement instead:

- an unnamed cursor sends `SET LOCAL search_path ...; <statement>` as one Query message. PostgreSQL
  runs a message as one transaction (the open one, or an implicit one), PgBouncer keeps a
  transaction on one server connection, and `SET LOCAL` ends with the transaction, so no path is
  left behind for the next client;
- what cannot share a message with the `SET` (`COPY`, `executemany`, a named cursor's `DECLARE`)
  gets it as a statement of its own, in the same transaction (opened for it in autocommit).

Statements are bound client-side (Django's default cursor), so nothing is prepared on a server
connection that the next statement may not find.
"""

from contextlib import contextmanager, nullcontext

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql.base import Cursor
from django_tenants.postgresql_backend import base
from django_tenants.utils import quote_schema_name
from psycopg.pq import TransactionStatus


class TenantPathCursor(Cursor):
    """Django's client-side binding cursor whose statements carry `set_search_path`, the
    `SET LOCAL search_path` of the tenant it was opened for (None: statements go as they are,
    e.g. Django's own connection setup)."""

    set_search_path: str | None = None

    def _path_applies(self) -> bool:
        # An aborted transaction accepts only ROLLBACK [TO SAVEPOINT], which needs no path.
        return (
            self.set_search_path is not None
            and self.connection.info.transaction_status != TransactionStatus.INERROR
        )

    def execute(self, query, params=None, **kwargs):
        if not self._path_applies():
            return super().execute(query, params, **kwargs)
        if not isinstance(query, str):
            with self._search_path_in_transaction():
                return super().execute(query, params, **kwargs)
        # With parameters the whole message is a template: its `%` must be literal.
        prefix = self.set_search_path if params is None else self.set_search_path.replace("%", "%%")
        super().execute(prefix + query, params, **kwargs)
        self.nextset()  # past the SET's result, onto the statement's own
        return self

    def executemany(self, query, params_seq, **kwargs):
        # psycopg sends these in a pipeline, where a message holds one statement only.
        with self._search_path_in_transaction():
            return super().executemany(query, params_seq, **kwargs)

    @contextmanager
    def copy(self, statement, params=None, **kwargs):
        # COPY must be alone in its message.
        with self._search_path_in_transaction(), super().copy(statement, params, **kwargs) as copy:
            yield copy

    @contextmanager
    def _search_path_in_transaction(self):
        """`SET LOCAL search_path` as a statement of its own, then the caller's, in one
        transaction: the open one, or one opened here for the duration in autocommit."""
        if not self._path_applies():
            yield
            return
        connection = self.connection
        idle = connection.info.transaction_status == TransactionStatus.IDLE
        with connection.transaction() if connection.autocommit and idle else nullcontext():
            super().execute(self.set_search_path)
            yield


class DatabaseWrapper(base.DatabaseWrapper):
    """django-tenants' wrapper, whose cursors carry the active schema's search path instead of
    setting it for the session."""

    def get_connection_params(self):
        if self.settings_dict["OPTIONS"].get("server_side_binding"):
            raise ImproperlyConfigured(
                "DATABASE_POOLER=transaction needs client-side binding: server-side binding "
                "prepares statements and cannot carry the search path in the same message."
            )
        return super().get_connection_params() | {"cursor_factory": TenantPathCursor}

    def fetch_prepared(self, sql: str, params) -> list[tuple]:
        """Sent as any statement: nothing is prepared behind a transaction pooler, where the
        next statement may run on a server connection that never saw it."""
        with self.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def unrouted_cursor(self):
        """A bare psycopg cursor for statements that name their schema; bound client-side and
        sent as they are (its search path is None)."""
        self.ensure_connection()
        return self.connection.cursor()

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        # The maintenance connection (CREATE DATABASE, which no transaction may hold) reads no
        # tenant's tables.
        if name is None and self.alias != NO_DB_ALIAS:
            cursor.set_search_path = self._set_local_search_path()
        return cursor

    def chunked_cursor(self):
        # A named cursor outside a transaction is declared WITH HOLD and read by later
        # statements, which the pooler may send to another server connection. In a transaction
        # (exports run in one) it streams; outside, the rows are fetched at once.
        if self.get_autocommit():
            return self.cursor()
        return super().chunked_cursor()

    def _handle_search_path(self, cursor=None):
        """Called by django-tenants for each new cursor. An unnamed cursor (`cursor` given)
        already carries the path in each statement. A named one (`cursor` None, only in a
        transaction: see chunked_cursor) is declared by a statement that cannot: the path is
        set for the transaction first."""
        if cursor is None:
            with self.connection.cursor() as setter:
                setter.execute(self._set_local_search_path())

    def _set_local_search_path(self) -> str:
        schemas = ", ".join(quote_schema_name(s) for s in self._get_cursor_search_paths())
        return f"SET LOCAL search_path = {schemas}; "
