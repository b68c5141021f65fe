import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from academics.management.base import TenantCommand
from academics.roles import ROLES, staff_user_save
from academics.tenancy.services import default_domain

PASSWORD_ENV = "DJANGO_SUPERUSER_PASSWORD"
MSG_PASSWORD_REQUIRED = f"A password is required: pass --password or set {PASSWORD_ENV}."
MSG_PASSWORDS_DIFFER = "The two passwords differ."


class Command(TenantCommand):
    help = (
        "Create or update a staff user of a tenant's registrar admin with one role: registrar "
        "(edits records) or viewer (read-only). Safe to run again."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--password",
            help=f"Password (else ${PASSWORD_ENV}, else a prompt; an existing user keeps its "
            "password when none is given).",
        )
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive")

    def handle_tenant(self, tenant, *args, username, role, password, interactive, **options):
        exists = get_user_model().objects.filter(username=username).exists()
        password = password or os.environ.get(PASSWORD_ENV) or None
        if password is None and not exists:
            password = self._prompt(username) if interactive else None
            if password is None:
                raise CommandError(MSG_PASSWORD_REQUIRED)
        elif password is not None:  # given, not prompted for: validated here
            try:
                validate_password(password, get_user_model()(username=username))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        staff_user_save(username=username, role=role, password=password)
        verb = "Updated" if exists else "Created"
        identifier = tenant.identifier
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {role} {username!r} of tenant {identifier!r}.")
            + f"\n  admin: http://{default_domain(identifier)}:8000/admin/"
        )

    def _prompt(self, username: str) -> str:
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write(MSG_PASSWORDS_DIFFER)
                continue
            try:
                validate_password(password, get_user_model()(username=username))
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
