from django.core.management.base import BaseCommand, CommandError

from academics.tenancy.clients import api_client_revoke
from academics.tenancy.models import ApiClient


class Command(BaseCommand):
    help = "Deactivate an API client and end its tokens immediately."

    def add_arguments(self, parser):
        parser.add_argument("client_id")

    def handle(self, *args, client_id, **options):
        client = ApiClient.objects.filter(application__client_id=client_id).first()
        if client is None:
            raise CommandError(f"No API client with client_id {client_id!r}.")
        if not client.is_active:
            self.stdout.write(f"API client {client.name!r} is already revoked; nothing changed.")
            return
        api_client_revoke(client=client)
        self.stdout.write(
            f"Revoked API client {client.name!r} of tenant {client.tenant.identifier!r}."
        )
