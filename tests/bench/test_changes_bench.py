"""bench/changes.py runs at a tiny size against the test database, so it cannot rot."""

from tests.bench.runner import run_bench


def test_changes_bench_prints_write_costs_page_latencies_and_catch_up(tenant_a):
    result = run_bench("changes.py", "--writes", "5", "--rows", "50", "--retained", "200,1500")

    assert result.returncode == 0, result.stderr
    assert "one by one" in result.stdout and "import" in result.stdout
    assert "1500" in result.stdout
    assert "mirror catch-up:" in result.stdout
