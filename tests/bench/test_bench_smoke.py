"""bench/api_list.py runs at a tiny size against the test database, so it cannot rot."""

import subprocess
import sys

import pytest

from tests.bench.test_provision_bench import ROOT, env_for_test_database


@pytest.mark.django_db(transaction=False)
def test_api_list_bench_prints_both_medians_and_the_ratio(tenant_a):
    # when
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_list.py"), "--size", "5", "--repeat", "3"],
        env=env_for_test_database(),
        capture_output=True,
        text=True,
        timeout=300,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert "same JSON from both: yes" in result.stdout
    assert "median" in result.stdout and "ratio API / floor" in result.stdout
