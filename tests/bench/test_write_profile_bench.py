"""bench/write_profile.py runs at a tiny size against the test database, so it cannot rot."""

import re

from tests.bench.runner import run_bench


def test_write_profile_bench_prints_each_kind_and_its_share_of_get(tenant_a):
    result = run_bench("write_profile.py", "--requests", "5", "--size", "200", "--profile", "post")

    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^\| (LIST|GET|POST|PATCH) \| [\d.]+ \| (\d+) \|", result.stdout, re.M)
    assert [kind for kind, _statements in rows] == ["LIST", "GET", "POST", "PATCH"]
    assert all(int(statements) > 0 for _kind, statements in rows)
    assert "of GET one's rate" in result.stdout and "cProfile of POST" in result.stdout
