"""Admin login throttling (django-axes): wrong passwords lock the account out for a while."""

from django.test import Client

from tests.admin.conftest import PASSWORD, TENANT_A_HOST


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
