"""Runs a bench script in a child process against the test database, for the smoke tests that
keep every benchmark from rotting."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def env_for_test_database() -> dict:
    """Environment that points a child process at the test database."""
    connection.ensure_connection()
    info = connection.connection.info
    credentials = f"{info.user}:{info.password or ''}"
    if info.host.startswith("/"):  # the embedded server listens on a socket only
        url = f"postgresql://{credentials}@/{info.dbname}?host={info.host}"
    else:
        url = f"postgresql://{credentials}@{info.host}:{info.port}/{info.dbname}"
    return {**os.environ, "DATABASE_URL": url}


def run_bench(script: str, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        env=env_for_test_database(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
