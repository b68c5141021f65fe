"""bench/admin_pages.py runs at a tiny size against the test database, so it cannot rot."""

import re

from tests.bench.runner import run_bench


def test_admin_pages_bench_prints_every_page_beside_the_floor(tenant_a):
    result = run_bench(
        "admin_pages.py", "--students", "20", "--enrollments", "60", "--repeat", "1", timeout=600
    )

    assert result.returncode == 0, result.stderr
    pages = (
        "index",
        "enrollments list",
        "course page",
        "student page",
        "enrollment history",
        "cohort grade sheet",
        "course grade sheet",
        "student record",
    )
    for page in pages:
        assert page in result.stdout
    # every page answered 200: the status follows the 300 ms floor on each line
    assert re.findall(r" 300 +(\d{3})", result.stdout) == ["200"] * 16
