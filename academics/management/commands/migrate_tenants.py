import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import schema_exists

from academics.tenancy.replay import (
    ReplayError,
    catalog_fingerprint,
    lagging,
    plan_for,
    replay,
    tenant_schemas,
)
from academics.tenancy.services import TEMPLATE_SCHEMA, ensure_template_schema


class Command(BaseCommand):
    help = (
        "Migrate every tenant schema: the template schema first with Django's migrate, then the "
        "same SQL replayed in each tenant, several at a time, one transaction per schema, each "
        "checked against the template. Migrations that run Python code, and schemas not at the "
        "template's migration, go through migrate_schemas. Safe to run again after a stop."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=4, help="schemas migrated at once")

    def handle(self, *args, workers, **options):
        plan = plan_for(TEMPLATE_SCHEMA) if schema_exists(TEMPLATE_SCHEMA) else None
        if plan is None or plan.migrations:
            ensure_template_schema()  # Django's own migrate, on the template only
        fingerprint = catalog_fingerprint(TEMPLATE_SCHEMA)
        schemas = tenant_schemas()
        if plan is None or not plan.migrations:
            plan = self._plan_of_a_lagging_tenant(schemas)
        if plan is None:
            self.stdout.write(f"All {len(schemas)} tenant schemas are migrated.")
            return
        names = ", ".join(f"{app}.{name}" for app, name in plan.migrations)
        if plan.python:
            self.stdout.write(f"{names} run Python code: migrating with migrate_schemas.")
            call_command("migrate_schemas", tenant=True, executor="multiprocessing")
            return
        self.stdout.write(f"Replaying {names} ({len(plan.statements)} statements) ...")
        report = replay(schemas, plan, fingerprint, workers=workers, progress=self._progress)
        self.stderr.write("")
        for schema in report.failed:
            call_command("migrate_schemas", schema_name=schema, verbosity=0)
        rate = len(report.migrated) / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Migrated {len(report.migrated)} schemas in {report.seconds:.1f} s ({rate:.1f}/s), "
            f"{len(report.skipped)} already were; {len(report.failed)} by migrate_schemas."
        )
        for schema, reason in report.failed.items():
            self.stdout.write(f"  {schema}: {reason}")

    @staticmethod
    def _plan_of_a_lagging_tenant(schemas):
        """The plan of a tenant that lacks migrations the template has (a run stopped after
        the template was migrated), or None when every tenant has them all."""
        behind = lagging(schemas, TEMPLATE_SCHEMA)
        if not behind:
            return None
        try:
            return plan_for(behind[0])
        except ReplayError as error:
            raise CommandError(str(error)) from error

    def _progress(self, done: int, total: int, seconds: float) -> None:
        if done == total or done % 50 == 0:
            left = (total - done) * seconds / done
            sys.stderr.write(
                f"\r  {done}/{total} schemas, {seconds:.0f} s, about {left:.0f} s left"
            )
            sys.stderr.flush()
        connection.set_schema_to_public()
