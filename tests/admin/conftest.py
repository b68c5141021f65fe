"""Admin test clients: Django's test client reaching a tenant's admin by host name, as a browser
does, logged in as a staff user of one role."""

import pytest
from django.test import Client

from academics.roles import REGISTRAR, VIEWER, staff_user_save

TENANT_A_HOST = "tenant-a.localhost"
TENANT_B_HOST = "tenant-b.localhost"
PASSWORD = "correct-horse-battery"


def tenant_client(user, host=TENANT_A_HOST) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)  # the session row goes to the active (user's) schema
    return client


@pytest.fixture
def registrar(in_tenant_a):
    return staff_user_save(username="registrar", role=REGISTRAR, password=PASSWORD)


@pytest.fixture
def viewer(in_tenant_a):
    return staff_user_save(username="viewer", role=VIEWER, password=PASSWORD)


@pytest.fixture
def registrar_client(registrar):
    return tenant_client(registrar)


@pytest.fixture
def viewer_client(viewer):
    return tenant_client(viewer)
