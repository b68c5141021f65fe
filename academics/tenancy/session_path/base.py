"""django-tenants' PostgreSQL backend, setting the search path only when the session lacks it
(the default; `DATABASE_POOLER` unset or `session`, docs/operations.md, Connection pooling).

django-tenants sends `SET search_path` before every cursor's statements, and again for every
request even when the worker's connection already has that tenant's path: a round trip per
statement, half of a warm read's. Here the wrapper remembers the path the session really has
and sends the `SET` only when another one is wanted.

What it remembers is forgotten whenever PostgreSQL may have reverted or lost it: a `SET` is
transactional, so a rollback (to a savepoint too) may undo it, and a new or closed connection has
the default path. A `SET` that failed is not remembered.
"""

from django_tenants.postgresql_backend import base


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
