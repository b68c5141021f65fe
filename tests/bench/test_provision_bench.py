"""bench/provision.py runs at a tiny size against the test database, so it cannot rot."""

import pytest

from tests.bench.runner import run_bench


@pytest.mark.django_db(transaction=False)
def test_provision_bench_prints_both_paths(tenant_a):
    result = run_bench("provision.py", "--tenants", "1")
    assert result.returncode == 0, result.stderr
    assert "migrations" in result.stdout and "template clone" in result.stdout
    assert "faster" in result.stdout
