"""Committed work for tests about concurrency, migrations or the changes feed: run in a thread
with its own database connection, outside the transaction pytest-django opens on the main
connection, so that it commits."""

import threading
from contextlib import contextmanager

from django.db import connection, connections
from django_tenants.utils import schema_context, tenant_context


def in_thread(tenant, work):
    """Start `work()` in a thread with its own connection on `tenant`'s schema (None: the public
    schema); returns the thread and a dict that gets `value` or `error`."""
    outcome = {}

    def target():
        try:
            context = tenant_context(tenant) if tenant is not None else schema_context("public")
            with context:
                outcome["value"] = work()
        except BaseException as error:  # handed to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def finish(thread, outcome, timeout=30):
    thread.join(timeout)
    assert not thread.is_alive(), "the thread did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def committed(work, tenant=None):
    """`work()` run and committed on a connection of its own; its value."""
    return finish(*in_thread(tenant, work))


@contextmanager
def committed_tenant(identifier: str, name: str):
    """A tenant provisioned and committed for a module, with an API client; yields the tenant
    and the client's credentials (`IssuedCredentials`), and drops both afterwards. Call it with
    the database unblocked."""
    from academics.tenancy.clients import api_client_create
    from academics.tenancy.models import ApiClient, Tenant
    from academics.tenancy.services import tenant_provision

    assert connection.settings_dict["NAME"].startswith("test_"), "not on the test database"
    tenant = tenant_provision(identifier=identifier, name=name).tenant
    issued = api_client_create(tenant=tenant, name=f"{name} client")
    connection.set_schema_to_public()
    try:
        yield tenant, issued
    finally:
        connection.set_schema_to_public()
        application = issued.client.application
        ApiClient.objects.filter(tenant=tenant).delete()
        application.delete()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{tenant.schema_name}" CASCADE')
        Tenant.objects.filter(pk=tenant.pk).delete()
