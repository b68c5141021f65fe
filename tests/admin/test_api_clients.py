"""Registrar staff see their own tenant's API clients, read-only and without secrets."""

import pytest

from academics.tenancy.clients import api_client_create

URL = "/admin/tenancy/apiclient/"


@pytest.fixture
def clients(tenant_a, tenant_b):
    own = api_client_create(tenant=tenant_a, name="SIS sync of A")
    foreign = api_client_create(tenant=tenant_b, name="LMS of B")
    return own, foreign


@pytest.mark.parametrize("role_client", ["registrar_client", "viewer_client"])
def test_staff_see_their_tenants_clients_only_and_no_secret(request, clients, role_client):
    own, foreign = clients
    page = request.getfixturevalue(role_client).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "SIS sync of A" in html and own.client_id in html
    assert "LMS of B" not in html and foreign.client_id not in html
    assert own.client_secret not in html
    assert own.client.application.client_secret not in html  # not even the hash


def test_a_client_page_is_read_only(registrar_client, clients):
    own, _ = clients
    page = registrar_client.get(f"{URL}{own.client.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert registrar_client.post(f"{URL}{own.client.pk}/change/", {"name": "x"}).status_code == 403
    assert registrar_client.get(f"{URL}add/").status_code == 403


def test_another_tenants_client_page_is_not_found(registrar_client, clients):
    _, foreign = clients
    response = registrar_client.get(f"{URL}{foreign.client.pk}/change/")
    assert response.status_code in (302, 404)
    assert b"LMS of B" not in response.content
