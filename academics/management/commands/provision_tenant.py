from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from academics.tenancy.services import default_domain, tenant_provision


class Command(BaseCommand):
    help = "Create a tenant with its own schema and domains. Safe to run again: an existing "
    help += "tenant is left unchanged."

    def add_arguments(self, parser):
        parser.add_argument(
            "identifier", help="Lower-case identifier, sent by API clients as X-Tenant."
        )
        parser.add_argument("--name", required=True, help="Display name of the tenant.")
        parser.add_argument(
            "--domain",
            action="append",
            default=[],
            help="Extra host name for the tenant's admin (repeatable). "
            "IDENTIFIER.localhost is always added.",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Run every migration instead of copying the template schema (slower).",
        )

    def handle(self, *args, identifier, name, domain, migrate, **options):
        try:
            result = tenant_provision(
                identifier=identifier, name=name, domains=domain, clone=not migrate
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        tenant = result.tenant
        if not result.created:
            self.stdout.write(f"Tenant {identifier!r} already exists; nothing changed.")
            return
        hosts = ", ".join(tenant.domains.values_list("domain", flat=True))
        self.stdout.write(
            self.style.SUCCESS(f"Created tenant {identifier!r} ({tenant.name}).")
            + f"\n  schema: {tenant.schema_name}\n  domains: {hosts}"
            + f"\n  admin: http://{default_domain(identifier)}:8000/admin/"
        )
