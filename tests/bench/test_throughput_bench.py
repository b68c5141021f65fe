"""bench/throughput.py runs at a tiny size against the test database, so it cannot rot."""

import re
import shutil
from pathlib import Path

import pytest
from django.db import connection

from academics.tenancy.models import Tenant
from tests.bench.runner import run_bench


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)")
def test_throughput_bench_prints_app_and_floor(tenant_a):
    result = run_bench(
        "throughput.py",
        "--size",
        "40",
        "--duration",
        "1",
        "--concurrency",
        "2",
        "--workers",
        "1",
        "--rounds",
        "2",
        "--drop",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for line in ("GET list", "GET one", "POST", "floor list", "list app/floor at best"):
        assert line in result.stdout
    assert "median of 2 interleaved rounds" in result.stdout
    assert re.search(r"PATCH / GET one at concurrency 2: \d+%", result.stdout)
    assert re.search(r"server CPU per request \d+\.\d+ / \d+\.\d+ ms", result.stdout)
    # the database server's too, when it runs on this machine (the embedded one does)
    number = r"\d+\.\d+" if _database_runs_here() else "nan"
    assert re.search(rf"database {number} / {number} ms", result.stdout)
    # one row per endpoint and level, whatever the rounds
    assert len(re.findall(r"^GET list\s+2\s", result.stdout, re.M)) == 1
    # At this size the POST runs may use up the free (student, course) pairs and repeat one (a
    # 422), and a loaded machine may time a request out: errors are counted, not forbidden.
    assert re.search(r"errors: \d+ \(target 0\)", result.stdout)
    # no worker timed out or crashed, no request raised (the servers' logs, shown by the bench)
    assert "server log:" not in result.stderr, result.stderr[-3000:]
    assert not Tenant.objects.filter(identifier="bench-throughput").exists()


def _database_runs_here() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    return Path(f"/proc/{backend}").exists()
