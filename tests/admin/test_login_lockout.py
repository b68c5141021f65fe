"""Admin login throttling (django-axes): wrong passwords lock the account out for a while."""

from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from academics.roles import REGISTRAR, staff_user_save
from tests.admin.conftest import PASSWORD, TENANT_A_HOST, TENANT_B_HOST


def login(client, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "registrar", "password": password}
    )


def test_after_five_wrong_passwords_even_the_right_one_is_refused(registrar, settings):
    client = Client(HTTP_HOST=TENANT_A_HOST)
    statuses = [login(client, "wrong-password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form again, then the lockout
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_logs_in(registrar, settings):
    client = Client(HTTP_HOST=TENANT_A_HOST)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 302


def test_a_lockout_in_one_tenant_leaves_the_same_name_in_another_free(registrar, tenant_b):
    with tenant_context(tenant_b):
        staff_user_save(username="registrar", role=REGISTRAR, password=PASSWORD)
    connection.set_schema_to_public()
    in_a = Client(HTTP_HOST=TENANT_A_HOST)
    for _ in range(5):
        login(in_a, "wrong-password")
    assert login(in_a, PASSWORD).status_code == 429

    in_b = Client(HTTP_HOST=TENANT_B_HOST)  # same address, same user name, another tenant
    assert login(in_b, PASSWORD).status_code == 302


def test_attempts_are_kept_in_the_shared_schema_under_the_tenants_name(registrar, tenant_a):
    """Where the tables are: tests/test_provision_tenant.py (academics 0009)."""
    login(Client(HTTP_HOST=TENANT_A_HOST), "wrong-password")

    connection.set_schema_to_public()
    attempts = AccessAttempt.objects.values_list("username", "failures_since_start")
    assert list(attempts) == [(f"{tenant_a.schema_name}:registrar", 1)]
