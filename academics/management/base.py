"""The base of operator commands that work inside one tenant."""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from academics.history import Actor, acting_as
from academics.selectors import UnknownTenant, tenant_by_identifier


class TenantCommand(BaseCommand):
    """Takes the tenant's identifier as its first argument and runs `handle_tenant` inside the
    tenant's schema, with the command named as the actor of every change it makes
    (academics/history.py). An unknown tenant is one message for every command."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.command_name = subcommand
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="The tenant's identifier (its X-Tenant value).")

    def handle(self, *args, identifier, **options):
        try:
            tenant = tenant_by_identifier(identifier)
        except UnknownTenant as error:
            raise CommandError(error.message) from error
        with tenant_context(tenant), acting_as(Actor.command(self.command_name)):
            return self.handle_tenant(tenant, *args, **options)

    def handle_tenant(self, tenant, *args, **options):
        raise NotImplementedError
