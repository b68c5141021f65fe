"""bench/api_list.py runs at a tiny size against the test database, so it cannot rot."""

import pytest

from tests.bench.runner import run_bench


@pytest.mark.django_db(transaction=False)
def test_api_list_bench_prints_both_medians_and_the_ratio(tenant_a):
    # when
    result = run_bench("api_list.py", "--size", "5", "--repeat", "3")

    # then
    assert result.returncode == 0, result.stderr
    assert "same JSON from both: yes" in result.stdout
    assert "median" in result.stdout and "ratio API / floor" in result.stdout
