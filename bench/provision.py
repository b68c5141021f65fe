"""Seconds to provision a new tenant: plain migrations vs copying the template schema.

Usage: .venv/bin/python bench/provision.py [--tenants N]

Provisions N fresh tenants by each path (alternating, so both see the same database state),
prints the median and spread per path, then drops what it created.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=10, help="tenants per path")
    args = parser.parse_args()

    from _django import setup_django

    setup_django()
    from django.db import connection

    from academics.tenancy.models import Tenant
    from academics.tenancy.services import ensure_template_schema, tenant_provision

    ensure_template_schema()  # a one-off cost, outside the measurement
    run = uuid.uuid4().hex[:6]
    timings: dict[str, list[float]] = {"migrations": [], "template clone": []}
    created = []
    try:
        for number in range(args.tenants):
            for path, clone in (("migrations", False), ("template clone", True)):
                identifier = f"bench-{run}-{'c' if clone else 'm'}{number}"
                started = time.perf_counter()
                result = tenant_provision(identifier=identifier, name=identifier, clone=clone)
                timings[path].append(time.perf_counter() - started)
                created.append(result.tenant)
    finally:
        for tenant in created:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            Tenant.objects.filter(pk=tenant.pk).delete()

    connection.ensure_connection()
    print(f"provisioning {args.tenants} tenants per path on {connection.connection.info.host}")
    print(f"{'path':<16} {'median s':>9} {'min s':>7} {'max s':>7}")
    for path, values in timings.items():
        print(f"{path:<16} {statistics.median(values):9.3f} {min(values):7.3f} {max(values):7.3f}")
    ratio = statistics.median(timings["migrations"]) / statistics.median(timings["template clone"])
    print(f"template clone is {ratio:.1f}x faster; target: median <= 0.3 s")


if __name__ == "__main__":
    main()
