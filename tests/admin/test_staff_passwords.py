"""The admin's staff-user forms refuse weak passwords, as `create_staff_user` does."""

import pytest
from django.contrib.auth.models import User

from tests.admin.conftest import tenant_client


@pytest.fixture
def tenant_superuser_client(in_tenant_a):
    admin = User.objects.create_superuser("tenant-admin", password="a-long-enough-secret")
    return tenant_client(admin)


@pytest.mark.parametrize("weak", ["password", "123", "registrar2"])
def test_a_new_staff_user_with_a_weak_password_is_refused(tenant_superuser_client, weak):
    # when
    response = tenant_superuser_client.post(
        "/admin/auth/user/add/",
        {"username": "registrar2", "password1": weak, "password2": weak, "usable_password": "true"},
    )

    # then: the form comes back with the validators' reasons, and nobody was created
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.values())
    assert "password" in errors.lower()
    assert not User.objects.filter(username="registrar2").exists()


def test_a_strong_password_creates_the_staff_user(tenant_superuser_client):
    strong = "Correct-Horse-Battery-Staple-42"

    response = tenant_superuser_client.post(
        "/admin/auth/user/add/",
        {
            "username": "registrar2",
            "password1": strong,
            "password2": strong,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(username="registrar2").exists()
