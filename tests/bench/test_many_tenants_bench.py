"""bench/many_tenants.py runs at a tiny size against the test database, so it cannot rot."""

import pytest
from django.db import connection

from academics.tenancy.models import Tenant
from tests.bench.runner import run_bench

TINY = ["--tenants", "3", "--requests", "20", "--memory-requests", "3"]


@pytest.mark.django_db(transaction=False)
def test_many_tenants_bench_prints_every_figure_and_cleans_up(tenant_a):
    result = run_bench("many_tenants.py", *TINY)
    assert result.returncode == 0, result.stderr[-5000:]
    for figure in (
        "provisioning (tenant_provision), median",
        "database size per tenant",
        "catalog size per tenant",
        "(a) p50 ratio",
        "(b) migrate_schemas, nothing to do",
        "the same with --skip-checks",
        "(b) migrate_schemas, one new migration",
        "(b) migrate_tenants (replay)",
        "(c) worker RSS growth",
    ):
        assert figure in result.stdout, result.stdout
    # Nothing is left behind: no tenants, no schemas, no trace of the temporary migration.
    assert not Tenant.objects.filter(identifier__startswith="many-").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench\\_many\\_%%'")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%%'")
        schemas = {row[0] for row in cursor.fetchall()}
    assert schemas == {*Tenant.objects.values_list("schema_name", flat=True), "tenant_template"}
    print(result.stdout)  # the figures, with -s
