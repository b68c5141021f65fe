"""Every resource endpoint refuses a token of another tenant, a missing token and a read-only
client's writes, whatever the method (contract sections 2 and 3)."""

import uuid

import pytest
from rest_framework.test import APIClient

from academics.errors import MSG_UNAUTHENTICATED
from academics.records import BY_NAME as RESOURCES

ENDPOINTS = [
    (method, f"/api/{resource}{suffix}")
    for resource in RESOURCES
    for method, suffix in [
        ("get", ""),
        ("post", ""),
        ("get", "/{uuid}"),
        ("patch", "/{uuid}"),
        ("put", "/{uuid}"),
        ("delete", "/{uuid}"),
        ("delete", "/batch/destroy"),
    ]
]
WRITES = [(method, path) for method, path in ENDPOINTS if method != "get"]


def call(http, method, path):
    return getattr(http, method)(
        path.format(uuid=uuid.uuid4()), {"uuids": [str(uuid.uuid4())]}, format="json"
    )


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_token_of_tenant_a_with_x_tenant_b_is_401(
    make_api_client, tenant_a, tenant_b, method, path
):
    http = make_api_client(tenant_a)
    http.credentials(
        HTTP_AUTHORIZATION=http._credentials["HTTP_AUTHORIZATION"], HTTP_X_TENANT="tenant-b"
    )
    response = call(http, method, path)
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": MSG_UNAUTHENTICATED}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_missing_token_is_401(tenant_a, method, path):
    http = APIClient()
    http.credentials(HTTP_X_TENANT="tenant-a")
    response = call(http, method, path)
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": MSG_UNAUTHENTICATED}


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_read_only_client_cannot_write(make_api_client, tenant_a, method, path):
    response = call(make_api_client(tenant_a, read_only=True), method, path)
    assert response.status_code == 403
    assert response.json()["success"] is False
