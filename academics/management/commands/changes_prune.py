from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context

from academics.changes import changes_prune
from academics.selectors import UnknownTenant, tenant_by_identifier


class Command(BaseCommand):
    help = (
        "Drop changes older than CHANGES_RETENTION_DAYS from the changes feed of every tenant "
        "(or one). Run it daily from cron; cursors older than what is kept then answer 410."
    )

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?", help="Only this tenant (its X-Tenant).")

    def handle(self, *args, identifier=None, **options):
        if identifier:
            try:
                tenants = [tenant_by_identifier(identifier)]
            except UnknownTenant as error:
                raise CommandError(error.message) from error
        else:
            public = get_public_schema_name()
            tenants = list(get_tenant_model().objects.exclude(schema_name=public))
        total = 0
        for tenant in tenants:
            with tenant_context(tenant):
                total += changes_prune()
        self.stdout.write(f"Pruned {total} changes from {len(tenants)} tenant(s).")
