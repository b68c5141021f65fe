"""API client secrets: a cheap keyed check, older secrets still valid, throttled before hashing."""

import time
from unittest import mock

from django.contrib.auth.hashers import check_password, make_password
from oauth2_provider.models import Application

from academics.tenancy import secrets
from academics.tenancy.clients import api_client_create

TOKEN_URL = "/api/oauth/token"


def token_request(client, client_id, client_secret):
    return client.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )


def test_new_client_secret_is_stored_as_a_keyed_hmac(tenant_a):
    issued = api_client_create(tenant=tenant_a, name="SIS")
    stored = Application.objects.get(client_id=issued.client_id).client_secret
    assert stored.startswith(f"{secrets.ALGORITHM}$")
    assert issued.client_secret not in stored


def test_a_wrong_secret_costs_well_under_a_millisecond_of_cpu(settings):
    stored = make_password("s" * 128, hasher=secrets.ALGORITHM)
    started = time.process_time()
    for _ in range(100):
        assert not check_password("wrong" * 25, stored)
    assert (time.process_time() - started) / 100 < 0.001


def test_the_hmac_depends_on_the_secret_key_and_survives_its_rotation(settings):
    stored = make_password("s" * 128, hasher=secrets.ALGORITHM)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-key" * 5, []
    assert not check_password("s" * 128, stored)
    original = make_password("t" * 128, hasher=secrets.ALGORITHM)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-third-key" * 5
    assert check_password("t" * 128, original)


def test_a_secret_stored_with_pbkdf2_still_works_and_is_restored_as_hmac(client, tenant_a):
    issued = api_client_create(tenant=tenant_a, name="Legacy")
    legacy = make_password(issued.client_secret, hasher="pbkdf2_sha256")
    Application.objects.filter(client_id=issued.client_id).update(client_secret=legacy)

    assert token_request(client, issued.client_id, issued.client_secret).status_code == 200

    stored = Application.objects.get(client_id=issued.client_id).client_secret
    assert stored.startswith(f"{secrets.ALGORITHM}$")
    assert token_request(client, issued.client_id, issued.client_secret).status_code == 200
    assert token_request(client, issued.client_id, "wrong").status_code == 401


def test_throttled_token_requests_compute_no_hash(client, tenant_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "2/min"},
    }
    issued = api_client_create(tenant=tenant_a, name="SIS")
    with mock.patch(
        "oauth2_provider.oauth2_validators.check_password", return_value=False
    ) as check:
        statuses = [token_request(client, issued.client_id, "wrong").status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    assert check.call_count == 2
