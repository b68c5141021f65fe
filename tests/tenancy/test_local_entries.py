"""A warm API request reads the shared cache once for routing and authentication together (the
generation, with its count against the client's rate limit in the same round trip), and keeps
its own copies of the tenant and the token's grant for that generation
(academics/tenancy/lookups.py); any change that retires the generation is seen by the very next
request."""

import pytest
from django.core.cache import caches

from academics.api.throttling import counter_key
from academics.tenancy import lookups
from academics.tenancy.cache import PostgresCache
from academics.tenancy.clients import api_client_create, api_client_revoke
from tests.conftest import issue_token


class Keys(list):
    round_trips: int


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """The keys the shared cache is asked for, in order, and its round trips (statements)."""
    keys = Keys()
    keys.round_trips = 0
    original_get, original_both, original_execute = (
        PostgresCache.get,
        PostgresCache.get_and_incr,
        PostgresCache._execute,
    )

    def get(cache, key, default=None, version=None):
        keys.append(key)
        return original_get(cache, key, default, version)

    def get_and_incr(cache, key, *args, **kwargs):
        keys.append(key)
        return original_both(cache, key, *args, **kwargs)

    def execute(cache, sql, params=()):
        keys.round_trips += 1
        return original_execute(cache, sql, params)

    monkeypatch.setattr(PostgresCache, "get", get)
    monkeypatch.setattr(PostgresCache, "get_and_incr", get_and_incr)
    monkeypatch.setattr(PostgresCache, "_execute", execute)
    return keys


def test_a_warm_request_reads_only_the_generation_and_counts_itself_with_it(
    api_client, shared_cache_reads, settings
):
    # given a warm client, whose rate-limit window is open
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "1000/min"},
    }
    api_client.get("/api/students")
    shared_cache_reads.clear()
    shared_cache_reads.round_trips = 0

    # when
    response = api_client.get("/api/students")

    # then: one read, and one round trip in all (the throttle's count came with the read)
    assert response.status_code == 200
    assert shared_cache_reads == [lookups.GENERATION_KEY]
    assert shared_cache_reads.round_trips == 1
    counter = counter_key("api", str(api_client.api_client.uuid))
    assert caches["platform"].get(counter) == 2


def test_a_request_refused_before_its_rate_is_checked_does_not_count(client, tenant_a, settings):
    # given a warm read-only client with a limit of 2, one of which it has used
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min", "token": "1000/min"},
    }
    issued = api_client_create(tenant=tenant_a, name="Reader", read_only=True)
    headers = {"Authorization": f"Bearer {issue_token(issued.client)}", "X-Tenant": "tenant-a"}
    assert client.get("/api/students", headers=headers).status_code == 200

    # when it asks for writes (scopes are checked before rates) and sends its token to another
    # tenant (refused by authentication), three times each
    refused = [
        client.post("/api/institutions", {"name": "U"}, headers=headers).status_code,
        client.get("/api/students", headers={**headers, "X-Tenant": "tenant-b"}).status_code,
    ] * 3

    # then none counted: its second read is served, the third is over the limit
    assert refused == [403, 401] * 3
    later = [client.get("/api/students", headers=headers).status_code for _ in range(2)]
    assert later == [200, 429]


def test_a_revocation_is_seen_by_the_next_request(api_client, shared_cache_reads):
    # given a warm client, whose grant this process holds a copy of
    api_client.get("/api/students")
    api_client_revoke(client=api_client.api_client)
    shared_cache_reads.clear()

    # when
    response = api_client.get("/api/students")

    # then the revocation's new generation made the request look the grant up again
    assert response.status_code == 401
    assert shared_cache_reads[0] == lookups.GENERATION_KEY and len(shared_cache_reads) > 1


def test_a_generation_never_returns(db):
    # a rolled-back bump must not revive copies made under it: each generation is new
    seen = {lookups.request_generation()}
    for _ in range(3):
        lookups.forget_tenants()
        seen.add(lookups.request_generation())
    assert len(seen) == 4
