"""bench/bulk.py runs at a tiny size against the test database, so it cannot rot."""

from tests.bench.runner import run_bench


def test_bulk_bench_prints_import_export_and_copy_figures(tenant_a):
    result = run_bench("bulk.py", "--rows", "30")

    assert result.returncode == 0, result.stderr
    for step in ("import students", "import enrollments", "export enrollments"):
        assert step in result.stdout
    assert "export file identical to COPY's output (after the header): True" in result.stdout
