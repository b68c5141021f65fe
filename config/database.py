"""Where the database is: `DATABASE_URL` when set, otherwise an embedded PostgreSQL.

The embedded server comes from the `pgserver` wheel (real PostgreSQL binaries). Its data lives
in a git-ignored project folder and the server keeps running between commands, so the second
start only checks that it is up.
"""

from pathlib import Path

import dj_database_url

EMBEDDED_DATABASE_NAME = "academics"


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
) -> dict:
    """The `default` entry of `DATABASES`, on django-tenants' schema-aware backend."""
    url = database_url or embedded_database_url(data_dir)
    config = dj_database_url.parse(
        url, conn_max_age=conn_max_age, conn_health_checks=conn_health_checks
    )
    config["ENGINE"] = "django_tenants.postgresql_backend"
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config
