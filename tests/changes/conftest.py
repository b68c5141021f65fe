"""The feed only ever shows committed changes, so its tests commit: into a tenant of their own,
provisioned for the module and dropped at its end (the session's tenants A and B stay as the
rolled-back tests expect them).

Committed work runs in threads, each with its own database connection (`run`), outside the test
transaction pytest-django opens on the main connection. That transaction must write nothing: a
transaction holding an id holds the feed back until it ends — which is the guarantee itself."""

import pytest
from rest_framework.test import APIClient

from tests.committed import committed_tenant, finish, in_thread
from tests.conftest import issue_token

FEED_TENANT = "tenant-feed"


@pytest.fixture(scope="module")
def feed_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), committed_tenant(FEED_TENANT, "Feed University") as made:
        tenant, issued = made
        yield tenant, issue_token(issued.client)


@pytest.fixture
def run(feed_tenant):
    """`run(work)`: `work()` committed on its own connection in the feed tenant; its value."""
    tenant, _token = feed_tenant
    return lambda work: finish(*in_thread(tenant, work))


@pytest.fixture
def feed_http(feed_tenant):
    """An API client of the feed tenant; use it inside `run`."""
    tenant, token = feed_tenant
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_TENANT=tenant.identifier)
    return http
