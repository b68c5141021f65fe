"""bench/provision.py runs at a tiny size against the test database, so it cannot rot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.mark.django_db(transaction=False)
def test_provision_bench_prints_both_paths(tenant_a):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "provision.py"), "--tenants", "1"],
        env=env_for_test_database(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "migrations" in result.stdout and "template clone" in result.stdout
    assert "faster" in result.stdout
