"""Where the database is: `DATABASE_URL` when set, otherwise an embedded PostgreSQL.

The embedded server comes from the `pgserver` wheel (real PostgreSQL binaries). Its data lives
in a git-ignored project folder and the server keeps running between commands, so the second
start only checks that it is up.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DATABASE_NAME = "academics"
# The backend for each `DATABASE_POOLER` (docs/operations.md, Connection pooling): the schema is
# set per session unless a pooler in transaction mode may hand consecutive statements to
# different server connections.
BACKENDS = {
    "": "academics.tenancy.session_path",
    "session": "academics.tenancy.session_path",
    "transaction": "academics.tenancy.transaction_pooling",
}


def embedded_database_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server in `data_dir` and return a URL to its database."""
    import warnings

    # pgserver asks platformdirs for a runtime folder it does not use when a data dir is given.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running for the next command instead of stopping it
    # when this process exits.
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE_NAME};")
    return f"postgresql://postgres:@/{EMBEDDED_DATABASE_NAME}?host={data_dir}"


def database_settings(
    database_url: str | None,
    data_dir: Path,
    test_name: str | None,
    conn_max_age: int,
    conn_health_checks: bool,
    pooler: str = "",
) -> dict:
    """The `default` entry of `DATABASES`, on django-tenants' schema-aware backend, or on the
    project's variant of it for `pooler="transaction"`."""
    if pooler not in BACKENDS:
        choices = ", ".join(repr(mode) for mode in BACKENDS)
        raise ImproperlyConfigured(f"DATABASE_POOLER must be one of {choices}, not {pooler!r}.")
    url = database_url or embedded_database_url(data_dir)
    config = dj_database_url.parse(
        url, conn_max_age=conn_max_age, conn_health_checks=conn_health_checks
    )
    config["ENGINE"] = BACKENDS[pooler]
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config
