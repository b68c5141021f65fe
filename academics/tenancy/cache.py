"""A cache in a PostgreSQL table, shared by every process that uses the database.

The default when `CACHE_URL` is unset (README, configuration): throttles, token checks and
tenant lookups must agree across gunicorn workers and app servers, and the embedded setup must
stay one command. Django's own `DatabaseCache` costs several statements per write (it counts
the table on every `set`) and its `incr` is a read then a write, which loses counts under
concurrency; here every operation is one statement and `incr` is one atomic `UPDATE`.

The table (`UNLOGGED`: a crash may empty it, which a cache allows) is created by the tenancy
app's migration in the public schema and named with that schema, whatever the search path.
Integers are kept in their own column so that `incr` happens inside PostgreSQL. Its statements
are not counted among a request's queries (they bypass Django's cursor, see `_execute`).
"""

import pickle
import random
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection

# One write in this many also deletes expired rows.
CULL_EVERY = 500


class PostgresCache(BaseCache):
    def __init__(self, table: str, params: dict):
        super().__init__(params)
        self.table = f'"{settings.PUBLIC_SCHEMA_NAME}"."{table}"'

    # --- encoding ---------------------------------------------------------------------------

    @staticmethod
    def _encode(value) -> tuple[bytes | None, int | None]:
        if type(value) is int:
            return None, value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL), None

    @staticmethod
    def _decode(data, number):
        return number if data is None else pickle.loads(bytes(data))

    def _expiry(self, timeout) -> float:
        expires = self.get_backend_timeout(timeout)  # a moment (epoch seconds), or None
        return float("inf") if expires is None else expires

    def _execute(self, sql: str, params=()) -> list[tuple]:
        # The request's own connection and transaction, but psycopg's cursor rather than
        # Django's: the table is named with its schema, so the tenant's search path would be a
        # wasted round trip. The default backend's cursor has the hot statements prepared.
        with connection.wrap_database_errors, connection.unrouted_cursor() as cursor:
            cursor.execute(sql.format(table=self.table), params)
            return cursor.fetchall() if cursor.description else []

    def _maybe_cull(self) -> None:
        if random.randrange(CULL_EVERY) == 0:
            self._execute("DELETE FROM {table} WHERE expires <= %s", [time.time()])

    # --- the cache API ----------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            "SELECT value, number FROM {table} WHERE key = %s AND expires > %s", [key, time.time()]
        )
        return self._decode(*rows[0]) if rows else default

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        rows = self._execute(
            "SELECT key, value, number FROM {table} WHERE key = ANY(%s) AND expires > %s",
            [list(names), time.time()],
        )
        return {names[key]: self._decode(data, number) for key, data, number in rows}

    def _write(self, key, value, timeout, version, *, only_if_absent: bool) -> bool:
        key = self.make_and_validate_key(key, version=version)
        data, number = self._encode(value)
        condition = "WHERE t.expires <= %s" if only_if_absent else ""
        rows = self._execute(
            "INSERT INTO {table} AS t (key, value, number, expires) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, number = EXCLUDED.number, "
            f"expires = EXCLUDED.expires {condition} RETURNING 1",
            [key, data, number, self._expiry(timeout)] + ([time.time()] if only_if_absent else []),
        )
        self._maybe_cull()
        return bool(rows)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(key, value, timeout, version, only_if_absent=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._write(key, value, timeout, version, only_if_absent=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(
            self._execute(
                "UPDATE {table} SET expires = %s WHERE key = %s AND expires > %s RETURNING 1",
                [self._expiry(timeout), key, time.time()],
            )
        )

    def incr(self, key, delta=1, version=None):
        """Atomic: concurrent increments from any number of processes are all counted."""
        name = self.make_and_validate_key(key, version=version)
        rows = self._execute(
            "UPDATE {table} SET number = number + %s "
            "WHERE key = %s AND expires > %s AND number IS NOT NULL RETURNING number",
            [delta, name, time.time()],
        )
        if not rows:
            raise ValueError(f"Key '{key}' not found.")
        return rows[0][0]

    def get_and_incr(self, key, counter, delta=1, version=None) -> tuple:
        """`get(key)` and `incr(counter, delta)` in one statement, one round trip: (the value or
        None, the counter's new value and its expiry (epoch seconds), both None when it is not
        there). A warm API request reads the tenants' generation and counts itself against its
        rate limit this way (academics/tenancy/lookups.py)."""
        name = self.make_and_validate_key(key, version=version)
        counter_name = self.make_and_validate_key(counter, version=version)
        now = time.time()
        ((data, number, count, expires),) = self._execute(
            "WITH counted AS (UPDATE {table} SET number = number + %s "
            "WHERE key = %s AND expires > %s AND number IS NOT NULL RETURNING number, expires) "
            "SELECT found.value, found.number, counted.number, counted.expires "
            "FROM (SELECT 1) AS one LEFT JOIN {table} AS found "
            "ON found.key = %s AND found.expires > %s LEFT JOIN counted ON true",
            [delta, counter_name, now, name, now],
        )
        missing = data is None and number is None
        return (None if missing else self._decode(data, number)), count, expires

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._execute("DELETE FROM {table} WHERE key = %s RETURNING 1", [key]))

    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        if names:
            self._execute("DELETE FROM {table} WHERE key = ANY(%s)", [names])

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(
            self._execute(
                "SELECT 1 FROM {table} WHERE key = %s AND expires > %s", [key, time.time()]
            )
        )

    def clear(self):
        self._execute("DELETE FROM {table}")
