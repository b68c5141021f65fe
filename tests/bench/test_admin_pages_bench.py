"""bench/admin_pages.py runs at a tiny size against the test database, so it cannot rot."""

from tests.bench.runner import run_bench


def test_admin_pages_bench_prints_every_page_beside_the_floor(tenant_a):
    result = run_bench(
        "admin_pages.py", "--students", "20", "--enrollments", "60", "--repeat", "1", timeout=600
    )

    assert result.returncode == 0, result.stderr
    for page in ("index", "enrollments list", "course page", "student page", "enrollment history"):
        assert page in result.stdout
    assert " 200" in result.stdout and " 500\n" not in result.stdout
