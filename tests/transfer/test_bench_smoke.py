"""bench/bulk.py runs at a tiny size against the test database, so it cannot rot."""

import subprocess
import sys
from pathlib import Path

from tests.bench.test_provision_bench import env_for_test_database

ROOT = Path(__file__).resolve().parents[2]


def test_bulk_bench_prints_import_export_and_copy_figures(tenant_a):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bulk.py"), "--rows", "30"],
        env=env_for_test_database(),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    for step in ("import students", "import enrollments", "export enrollments"):
        assert step in result.stdout
    assert "export file identical to COPY's output (after the header): True" in result.stdout
