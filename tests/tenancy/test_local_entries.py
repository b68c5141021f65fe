"""A warm API request reads the shared cache once for routing and authentication together (the
generation), and keeps its own copies of the tenant and the token's grant for that generation
(academics/tenancy/lookups.py); any change that retires the generation is seen by the very next
request."""

import pytest

from academics.tenancy import lookups
from academics.tenancy.cache import PostgresCache


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """The keys the shared cache is asked for, in order."""
    keys: list[str] = []
    original = PostgresCache.get

    def get(cache, key, default=None, version=None):
        keys.append(key)
        return original(cache, key, default, version)

    monkeypatch.setattr(PostgresCache, "get", get)
    return keys


def test_a_warm_request_reads_only_the_generation(api_client, shared_cache_reads):
    # given a warm client
    api_client.get("/api/students")
    shared_cache_reads.clear()

    # when
    response = api_client.get("/api/students")

    # then: one read (the throttle's counter is an increment, not a read)
    assert response.status_code == 200
    assert shared_cache_reads == [lookups.GENERATION_KEY]


def test_a_revocation_is_seen_by_the_next_request(api_client, shared_cache_reads):
    # given a warm client, whose grant this process holds a copy of
    from academics.tenancy.clients import api_client_revoke

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
