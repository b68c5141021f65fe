"""Concurrency tests: requests run at the same moment in threads, each with its own database
connection, against data committed into tenant A (a test's own transaction is invisible to other
connections). At the end of the module, tenant A's tables that were empty before are truncated
and the API client is deleted, as the browser tests do (tests/browser/conftest.py)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django_tenants.utils import tenant_context
from rest_framework.test import APIClient

from academics.tenancy.clients import api_client_create
from academics.tenancy.models import Tenant
from tests.browser.conftest import _empty_tables, _truncate
from tests.conftest import TENANT_A, issue_token


class Workers:
    """Threads that run calls at the same moment; each thread keeps one database connection
    (closed by `close`)."""

    def __init__(self, size: int):
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=size)

    def together(self, calls: list) -> list:
        """Run every call in its own thread, all released at once; their results in order."""
        assert len(calls) <= self.size
        start = threading.Barrier(len(calls))

        def run(call):
            start.wait()
            return call()

        futures = [self.pool.submit(run, call) for call in calls]
        return [future.result() for future in futures]

    def one(self, call):
        """Run `call` in a worker: its writes are committed when it returns."""
        return self.pool.submit(call).result()

    def close(self) -> None:
        threads = len(self.pool._threads)
        everyone = threading.Barrier(threads)

        def close_connections():
            everyone.wait()
            connections.close_all()

        for future in [self.pool.submit(close_connections) for _ in range(threads)]:
            future.result()
        self.pool.shutdown()


@dataclass
class Committed:
    tenant: Tenant
    workers: Workers
    token: str

    def http(self) -> APIClient:
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Bearer {self.token}", HTTP_X_TENANT=self.tenant.identifier
        )
        return client

    def write(self, build):
        """`build()` in tenant A, committed; returns its result."""

        def run():
            with tenant_context(self.tenant):
                return build()

        return self.workers.one(run)


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    assert connection.settings_dict["NAME"].startswith("test_"), "not on the test database"
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api": "100000/min"}
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(identifier=TENANT_A)
        empty = _empty_tables(tenant.schema_name)
        issued = api_client_create(tenant=tenant, name="Concurrency tests")
        token = issue_token(issued.client)
        workers = Workers(32)
        try:
            with override_settings(
                REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
            ):
                yield Committed(tenant=tenant, workers=workers, token=token)
        finally:
            workers.close()
            connection.set_schema_to_public()
            issued.client.application.delete()
            _truncate(tenant.schema_name, empty)
            connection.set_schema_to_public()


@pytest.fixture
def read(committed, django_db_blocker):
    """Run a read in tenant A on the test's connection (it sees what the workers committed)."""

    def run(query):
        with tenant_context(committed.tenant):
            return query()

    return run
