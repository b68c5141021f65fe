"""The platform admin (public schema): tenants with domains, provisioning, API clients."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client

from academics.tenancy.admin import MSG_SCOPES_INVALID, MSG_TENANT_EXISTS
from academics.tenancy.clients import api_client_create
from academics.tenancy.models import ApiClient, Tenant
from tests.admin.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_client(db):
    operator = User.objects.create_user(
        "operator", password=PASSWORD, is_staff=True, is_superuser=True
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    return client


def test_the_platform_index_lists_only_platform_models(platform_client):
    index = platform_client.get("/admin/")

    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert models == {"Tenant", "ApiClient", "User", "Group"}
    assert platform_client.get("/admin/academics/course/").status_code == 404


def test_the_registrar_index_lists_no_platform_model(registrar_client):
    index = registrar_client.get("/admin/")

    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    records = {"Institution", "Organization", "Course", "Cohort", "Student", "Enrollment"}
    # ApiClient: the tenant's own clients, read-only (test_api_clients.py).
    assert models == records | {"ApiClient"}
    assert registrar_client.get("/admin/tenancy/tenant/").status_code == 404


def test_tenants_list_with_their_domains_inline(platform_client, tenant_a):
    listed = platform_client.get("/admin/tenancy/tenant/")
    page = platform_client.get(f"/admin/tenancy/tenant/{tenant_a.pk}/change/")

    assert tenant_a in listed.context["cl"].result_list
    assert b"tenant-a.localhost" in listed.content
    assert b'value="tenant-a.localhost"' in page.content


def test_adding_a_tenant_provisions_it(platform_client):
    data = {"identifier": "tenant-c", "name": "Tenant C", "domains": "records.tenant-c.example"}

    response = platform_client.post("/admin/tenancy/tenant/add/", data)

    tenant = Tenant.objects.get(identifier="tenant-c")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/tenancy/tenant/{tenant.pk}/change/"
    assert sorted(tenant.domains.values_list("domain", flat=True)) == [
        "records.tenant-c.example",
        "tenant-c.localhost",
    ]
    assert "tenant-c.localhost" in str(next(iter(get_messages(response.wsgi_request))))


@pytest.mark.parametrize(
    ("identifier", "error"),
    [("tenant-a", MSG_TENANT_EXISTS), ("public", "reserved"), ("Bad_Id", "lower-case")],
)
def test_an_unusable_identifier_is_a_form_error(platform_client, tenant_a, identifier, error):
    response = platform_client.post(
        "/admin/tenancy/tenant/add/", {"identifier": identifier, "name": "X"}
    )

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["identifier"])


def test_tenants_cannot_be_deleted_from_the_admin(platform_client, tenant_a):
    response = platform_client.get(f"/admin/tenancy/tenant/{tenant_a.pk}/delete/")

    assert response.status_code == 403


def test_an_api_client_secret_is_shown_once_and_never_again(platform_client, tenant_a):
    response = platform_client.post(
        "/admin/tenancy/apiclient/add/", {"tenant": tenant_a.pk, "name": "SIS sync"}
    )
    client = ApiClient.objects.get(name="SIS sync")
    shown = str(next(iter(get_messages(response.wsgi_request))))
    secret = shown.split("client secret: ")[1].split(" ")[0]

    shown_once = platform_client.get(response["Location"])
    change = platform_client.get(f"/admin/tenancy/apiclient/{client.pk}/change/")
    listed = platform_client.get("/admin/tenancy/apiclient/")

    assert client.application.client_id in shown
    assert secret.encode() in shown_once.content
    assert secret.encode() not in change.content + listed.content
    assert client.application.client_secret.encode() not in change.content


def test_revoking_api_clients(platform_client, tenant_a):
    client = api_client_create(tenant=tenant_a, name="LMS").client

    platform_client.post(
        "/admin/tenancy/apiclient/",
        {"action": "revoke_api_clients", "_selected_action": [client.pk]},
    )

    client.refresh_from_db()
    assert not client.is_active and client.revoked_at is not None


def test_platform_staff_are_deactivated_not_deleted(platform_client):
    other = User.objects.create_user("former", password=PASSWORD, is_staff=True)

    page = platform_client.get(f"/admin/auth/user/{other.pk}/change/")
    deleted = platform_client.post(f"/admin/auth/user/{other.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200 and b"deletelink" not in page.content
    assert deleted.status_code == 403
    assert User.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("scopes", "saved"), [("read", "read"), ("write read read", "write read"), ("admin", None)]
)
def test_api_client_scopes_are_checked(platform_client, tenant_a, scopes, saved):
    client = api_client_create(tenant=tenant_a, name="LMS").client

    response = platform_client.post(
        f"/admin/tenancy/apiclient/{client.pk}/change/", {"name": "LMS", "scopes": scopes}
    )

    client.refresh_from_db()
    if saved:
        assert response.status_code == 302 and client.scopes == saved
    else:
        assert MSG_SCOPES_INVALID.format(scopes="read, write") in response.content.decode()
        assert client.scopes == "read write"
