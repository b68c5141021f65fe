"""X-Forwarded-For is believed only from TRUSTED_PROXIES (academics/client_address.py)."""

import pytest
from django.test import RequestFactory

from academics.client_address import client_address


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # nobody trusted: the peer
        (["127.0.0.1"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # the peer is no proxy
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.1", "1.2.3.4"),  # right-most
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address(settings, trusted, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_forged_forwarded_for_gets_no_fresh_token_limit(client, tenant_a, settings):
    # given a limit of two token requests a minute, and a client not behind a trusted proxy
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "2/min"},
    }
    body = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}

    # when it writes another X-Forwarded-For into each request
    statuses = [
        client.post("/api/oauth/token", body, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]

    # then its address is still its own
    assert statuses == [401, 401, 429, 429]
