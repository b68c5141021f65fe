import json

from django.core.management.base import BaseCommand, CommandError

from academics.selectors import UnknownTenant, tenant_by_identifier
from academics.tenancy.clients import api_client_create


class Command(BaseCommand):
    help = "Create an API client of a tenant and print its credentials (the secret only once)."

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="The tenant's identifier (its X-Tenant value).")
        parser.add_argument("--name", required=True, help="Who uses the client, e.g. 'SIS sync'.")
        parser.add_argument("--read-only", action="store_true", help="Grant the read scope only.")
        parser.add_argument("--json", action="store_true", help="Print a JSON object.")

    def handle(self, *args, identifier, name, read_only, json: bool, **options):
        try:
            tenant = tenant_by_identifier(identifier)
        except UnknownTenant as error:
            raise CommandError(error.message) from error
        if not name.strip():
            raise CommandError("The client needs a name.")
        issued = api_client_create(tenant=tenant, name=name.strip(), read_only=read_only)
        if json:
            self.stdout.write(_json_dumps(issued.client_id, issued.client_secret))
            return
        self.stdout.write(
            f"Created API client {issued.client.name!r} of tenant {identifier!r} "
            f"(scopes: {issued.client.scopes}).\n"
            f"  client_id:     {issued.client_id}\n"
            f"  client_secret: {issued.client_secret}\n"
            "Store the secret now: it is kept only as a hash and cannot be shown again."
        )


def _json_dumps(client_id: str, client_secret: str) -> str:
    return json.dumps({"client_id": client_id, "client_secret": client_secret})
