"""OAuth2 client credentials bound to a tenant (contract sections 2 and 3)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from academics.api.permissions import MSG_SCOPE_MISSING
from academics.errors import MSG_TENANT_HEADER_REQUIRED, MSG_UNAUTHENTICATED
from academics.tenancy import rate_units
from academics.tenancy.clients import api_client_create, api_client_revoke
from academics.tenancy.models import ApiClient
from tests.conftest import issue_token

TOKEN_URL = "/api/oauth/token"
UNAUTHENTICATED = {"success": False, "message": MSG_UNAUTHENTICATED}


@pytest.fixture
def credentials(tenant_a):
    issued = api_client_create(tenant=tenant_a, name="SIS sync")
    return {"client_id": issued.client_id, "client_secret": issued.client_secret}


def request_token(client, data, *, as_json=False):
    body = {"grant_type": "client_credentials", **data}
    if as_json:
        return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")
    return client.post(TOKEN_URL, body)  # form-encoded, the documented form


def bearer(token, tenant="tenant-a"):
    return {"Authorization": f"Bearer {token}", "X-Tenant": tenant}


@pytest.mark.parametrize("as_json", [False, True])
def test_client_credentials_give_a_bearer_token(client, credentials, as_json):
    response = request_token(client, credentials, as_json=as_json)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token_type", "expires_in", "access_token", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write"
    assert body["expires_in"] == 43200
    assert response["Cache-Control"] == "no-store"


def test_issued_token_opens_the_tenant_api(client, credentials):
    token = request_token(client, credentials).json()["access_token"]
    response = client.get("/api/auth/me", headers=bearer(token))
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "SIS sync"
    assert data["email"] is None
    assert data["tenant"]["domain"] == "tenant-a"
    assert data["tenant"]["name"] == "Tenant A University"


def test_token_endpoint_needs_no_x_tenant_but_accepts_one(client, credentials):
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", **credentials},
        headers={"X-Tenant": "tenant-a"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "wrong"},
        {"client_id": "no-such-client"},
        {"client_secret": ""},
    ],
)
def test_bad_credentials_are_401_invalid_client(client, credentials, change):
    response = request_token(client, {**credentials, **change})
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["message"] and body["error_description"]


def test_unsupported_grant_type_is_400(client, credentials):
    response = client.post(TOKEN_URL, {"grant_type": "password", **credentials})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_revoked_client_gets_no_token(client, credentials):
    api_client_revoke(client=ApiClient.objects.get(application__client_id=credentials["client_id"]))
    assert request_token(client, credentials).status_code == 401


def test_client_of_inactive_tenant_gets_no_token(client, credentials, tenant_a):
    tenant_a.is_active = False
    tenant_a.save()
    assert request_token(client, credentials).status_code == 401


def test_missing_token_is_401(client, tenant_a):
    response = client.get("/api/auth/me", headers={"X-Tenant": "tenant-a"})
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_unknown_token_is_401(client, tenant_a):
    response = client.get("/api/auth/me", headers=bearer("not-a-token"))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_expired_token_is_401(client, tenant_a):
    api = api_client_create(tenant=tenant_a, name="Old").client
    token = issue_token(api, expires_in=-1)
    response = client.get("/api/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_token_expiring_while_cached_is_refused(client, tenant_a):
    api = api_client_create(tenant=tenant_a, name="Soon").client
    token = issue_token(api, expires_in=3600)
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    AccessToken.objects.filter(application=api.application).update(expires=timezone.now())
    # The cached copy still says "valid for an hour"; time moves past the real expiry.
    from unittest import mock

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("academics.tenancy.tokens.timezone.now", return_value=later):
        assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401


def test_revocation_ends_a_cached_token_at_once(client, tenant_a):
    api = api_client_create(tenant=tenant_a, name="To revoke").client
    token = issue_token(api)
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    api_client_revoke(client=api)
    response = client.get("/api/auth/me", headers=bearer(token))
    assert response.status_code == 401
    assert not AccessToken.objects.filter(application=api.application).exists()


def test_token_of_another_tenant_is_401_like_an_unknown_tenant(client, tenant_a, tenant_b):
    token = issue_token(api_client_create(tenant=tenant_a, name="A").client)
    foreign = client.get("/api/auth/me", headers=bearer(token, tenant="tenant-b"))
    unknown = client.get("/api/auth/me", headers=bearer(token, tenant="no-such-tenant"))
    assert foreign.status_code == unknown.status_code == 401
    assert foreign.json() == unknown.json() == UNAUTHENTICATED


def test_token_without_x_tenant_reaches_no_resource(client, tenant_a):
    # (`/auth/me` alone needs no X-Tenant: see test_auth_me_needs_no_tenant_header)
    token = issue_token(api_client_create(tenant=tenant_a, name="A").client)
    response = client.get("/api/students", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["message"] == MSG_TENANT_HEADER_REQUIRED


def test_warm_authenticated_request_costs_no_lookup_query(api_client):
    api_client.get("/api/auth/me")
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/auth/me")
    assert response.status_code == 200
    assert len(queries) == 0


def test_read_only_client_can_read_but_not_write(make_api_client, tenant_a):
    reader = make_api_client(tenant_a, read_only=True)
    assert reader.get("/api/auth/me").status_code == 200
    response = reader.post("/api/auth/me", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "message": MSG_SCOPE_MISSING.format(action="change"),
    }


def test_narrowing_scopes_applies_at_once(api_client):
    api_client.get("/api/auth/me")
    api = api_client.api_client
    api.scopes = "write"
    api.save()
    assert api_client.get("/api/auth/me").status_code == 403


def test_token_endpoint_is_throttled_with_retry_after(client, credentials, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "2/min"},
    }
    statuses = [request_token(client, credentials).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = request_token(client, credentials)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["success"] is False


def test_api_is_throttled_per_client(api_client, make_api_client, tenant_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min", "token": "1000/min"},
    }
    other = make_api_client(tenant_a)
    statuses = [api_client.get("/api/auth/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert int(api_client.get("/api/auth/me")["Retry-After"]) > 0
    assert other.get("/api/auth/me").status_code == 200


def test_client_secret_and_tokens_are_not_stored_in_plain_text(client, credentials):
    token = request_token(client, credentials).json()["access_token"]
    application = Application.objects.get(client_id=credentials["client_id"])
    stored = AccessToken.objects.get(application=application)
    assert application.client_secret != credentials["client_secret"]
    assert application.client_secret.startswith("md5$") or "$" in application.client_secret
    assert stored.token == ""
    assert token not in stored.token_checksum
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM oauth2_provider_accesstoken WHERE token = %s", [token])
        assert cursor.fetchone()[0] == 0


def call(name, *args):
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_create_api_client_prints_credentials_once_as_json(client, tenant_a):
    printed = json.loads(call("create_api_client", "tenant-a", "--name", "LMS", "--json"))
    assert set(printed) == {"client_id", "client_secret"}
    assert request_token(client, printed).status_code == 200
    assert ApiClient.objects.get(application__client_id=printed["client_id"]).scopes == "read write"


def test_create_read_only_api_client(tenant_a):
    printed = json.loads(
        call("create_api_client", "tenant-a", "--name", "BI", "--read-only", "--json")
    )
    assert ApiClient.objects.get(application__client_id=printed["client_id"]).scopes == "read"


def test_create_api_client_for_unknown_tenant_fails(db):
    with pytest.raises(CommandError, match="Unknown tenant"):
        call("create_api_client", "nobody", "--name", "X")
    assert not ApiClient.objects.exists()


def test_revoke_api_client_command(client, credentials):
    output = call("revoke_api_client", credentials["client_id"])
    assert "Revoked" in output
    assert request_token(client, credentials).status_code == 401
    assert "already revoked" in call("revoke_api_client", credentials["client_id"])


def test_revoke_unknown_api_client_fails(db):
    with pytest.raises(CommandError):
        call("revoke_api_client", "nope")


def test_api_client_helper_sends_tenant_header(api_client):
    assert isinstance(api_client, APIClient)
    assert api_client.get("/api/auth/me").json()["data"]["tenant"]["domain"] == "tenant-a"


def test_throttle_window_reopens_after_its_period(api_client, settings):
    import time

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/second", "token": "1000/min"},
    }
    statuses = [api_client.get("/api/auth/me").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    time.sleep(1.1)
    assert api_client.get("/api/auth/me").status_code == 200


def test_throttle_keeps_a_counter_not_a_request_history(api_client, settings):
    from django.core.cache import caches

    cache = caches["platform"]  # keyed by client, not by tenant schema

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "1000/min"},
    }
    for _ in range(5):
        api_client.get("/api/auth/me")
    key = f"throttle:api:{api_client.api_client.uuid}:count"
    # one number: the five positions taken, and those this process holds for the next requests
    # (academics/tenancy/rate_units.py)
    assert type(cache.get(key)) is int
    assert 5 <= cache.get(key) <= 5 + rate_units.MOST


# --- Scopes and tenant-less calls (contract §8) ------------------------------------------------


def test_a_token_asked_with_the_read_scope_cannot_write(client, credentials):
    # given
    response = request_token(client, {**credentials, "scope": "read"})
    assert response.status_code == 200
    assert response.json()["scope"] == "read"
    token = response.json()["access_token"]

    # when
    read = client.get("/api/students", headers=bearer(token))
    write = client.post("/api/institutions", {"name": "U", "country": "BR"}, headers=bearer(token))

    # then
    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["message"] == MSG_SCOPE_MISSING.format(action="change")


@pytest.mark.parametrize(
    ("read_only", "scope"), [(True, "write"), (True, "read write"), (False, "admin")]
)
def test_a_scope_the_client_does_not_have_is_refused(client, tenant_a, read_only, scope):
    # given
    issued = api_client_create(tenant=tenant_a, name="Reader", read_only=read_only)
    body = {"client_id": issued.client_id, "client_secret": issued.client_secret, "scope": scope}

    # when
    response = request_token(client, body)

    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert response.json()["success"] is False
    assert not AccessToken.objects.exists()


def test_a_read_only_client_gets_its_own_scope_by_default(client, tenant_a):
    issued = api_client_create(tenant=tenant_a, name="Reader", read_only=True)
    response = request_token(
        client, {"client_id": issued.client_id, "client_secret": issued.client_secret}
    )
    assert response.json()["scope"] == "read"


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/auth/me/"])
def test_auth_me_needs_no_tenant_header(client, credentials, path):
    # given
    token = request_token(client, credentials).json()["access_token"]

    # when
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})

    # then
    assert response.status_code == 200
    assert response.json()["data"]["tenant"]["domain"] == "tenant-a"


def test_auth_me_with_another_tenant_header_is_unauthenticated(client, credentials, tenant_b):
    token = request_token(client, credentials).json()["access_token"]
    response = client.get("/api/auth/me", headers=bearer(token, tenant="tenant-b"))
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_auth_me_without_a_token_is_unauthenticated(client, db):
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_the_token_endpoint_takes_a_trailing_slash(client, credentials):
    response = client.post(TOKEN_URL + "/", {"grant_type": "client_credentials", **credentials})
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/openapi.json/", "/api/openapi.yaml/"])
def test_the_docs_take_a_trailing_slash(client, db, path):
    assert client.get(path).status_code == 200
