import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics.errors import (
    MSG_TENANT_HEADER_MALFORMED,
    MSG_UNAUTHENTICATED,
    MSG_UNKNOWN_TENANT_HOST,
)
from academics.tenancy.models import Domain


def routed(response):
    return response.json()["tenant"]


def test_x_tenant_header_selects_the_tenant(client, tenant_a):
    response = client.get("/health", headers={"X-Tenant": "tenant-a"})
    assert response.status_code == 200
    assert routed(response) == "tenant-a"
    assert "X-Tenant" in response["Vary"]


def test_host_name_selects_the_tenant(client, tenant_b):
    response = client.get("/health", HTTP_HOST="tenant-b.localhost:8000")
    assert routed(response) == "tenant-b"


def test_header_wins_over_host(client, tenant_a, tenant_b):
    response = client.get(
        "/health", HTTP_HOST="tenant-b.localhost", headers={"X-Tenant": "tenant-a"}
    )
    assert routed(response) == "tenant-a"


def test_no_header_and_plain_host_is_public(client, db):
    response = client.get("/health", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert routed(response) is None
    assert "X-Tenant" in response["Vary"]


@pytest.mark.parametrize(
    "header",
    ["public", "Tenant-A", "tenant_a", "tenant-a,tenant-b", "", " tenant-a", "-a", "a" * 64],
)
def test_malformed_header_is_a_400_json_error(client, db, header):
    response = client.get("/health", headers={"X-Tenant": header})
    assert response.status_code == 400
    assert response.json() == {"success": False, "message": MSG_TENANT_HEADER_MALFORMED}


def test_unknown_tenant_header_is_401_json(client, db):
    response = client.get("/health", headers={"X-Tenant": "no-such-tenant"})
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": MSG_UNAUTHENTICATED}


def test_inactive_tenant_is_unknown(client, tenant_a):
    tenant_a.is_active = False
    tenant_a.save()
    response = client.get("/health", headers={"X-Tenant": "tenant-a"})
    assert response.status_code == 401


def test_unknown_tenant_host_is_404_json(client, db):
    response = client.get("/health", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert response.json()["message"] == MSG_UNKNOWN_TENANT_HOST


def test_warm_lookup_costs_no_query(client, tenant_a):
    client.get("/health", headers={"X-Tenant": "tenant-a"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health", headers={"X-Tenant": "tenant-a"})
    assert routed(response) == "tenant-a"
    assert len(queries) == 0


def test_new_domain_invalidates_the_cached_lookup(client, tenant_a, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "records.example.edu"]
    assert client.get("/health", HTTP_HOST="records.example.edu").json()["tenant"] is None
    Domain.objects.create(domain="records.example.edu", tenant=tenant_a)
    assert routed(client.get("/health", HTTP_HOST="records.example.edu")) == "tenant-a"


def test_renamed_tenant_identifier_is_seen_at_once(client, tenant_a):
    client.get("/health", headers={"X-Tenant": "tenant-a"})
    tenant_a.identifier = "tenant-renamed"
    tenant_a.save()
    assert client.get("/health", headers={"X-Tenant": "tenant-a"}).status_code == 401
    assert routed(client.get("/health", headers={"X-Tenant": "tenant-renamed"})) == "tenant-renamed"
