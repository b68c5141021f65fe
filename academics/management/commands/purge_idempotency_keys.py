from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name, tenant_context

from academics.api.idempotency import idempotency_keys_purge
from academics.tenancy.models import Tenant


class Command(BaseCommand):
    help = (
        "Delete the Idempotency-Key answers kept past their 24 hours, in every tenant. "
        "Run it from cron, e.g. hourly (docs/commands.md)."
    )

    def handle(self, *args, **options):
        total = 0
        for tenant in Tenant.objects.exclude(schema_name=get_public_schema_name()):
            with tenant_context(tenant):
                total += idempotency_keys_purge()
        self.stdout.write(f"Deleted {total} expired idempotency keys.")
