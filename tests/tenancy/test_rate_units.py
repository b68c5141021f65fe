"""A process reserves a client's rate-limit units in blocks and hands them to the client's next
requests without a write (academics/tenancy/rate_units.py); no client is served more than its
limit."""

import time

import pytest
from django.core.cache import caches

from academics.api.throttling import counter_key
from academics.tenancy import rate_units
from academics.tenancy.cache import PostgresCache
from academics.tenancy.rate_units import RateUnits

COUNTER = "throttle:api:some-client:count"


def later() -> float:
    """A window's end a minute from now."""
    return time.time() + 60


def test_one_unit_until_the_counter_has_been_seen_then_a_share_of_what_remains():
    units = RateUnits()
    assert units.block_size(COUNTER, 1000) == 1
    units.reserved(COUNTER, count=2, size=1, expires=later())
    assert units.block_size(COUNTER, 1000) == rate_units.MOST  # a 16th of 998 is over the most
    assert units.block_size(COUNTER, 2 + 5 * rate_units.SHARE) == 5
    assert units.block_size(COUNTER, 2 + rate_units.SHARE - 1) == 1  # near the limit: one
    assert units.block_size(COUNTER, 1) == 1  # past it: one, which will be refused


def test_a_block_is_handed_out_in_order_once_the_first_position_to_its_reserver():
    units = RateUnits()
    assert units.reserved(COUNTER, count=18, size=16, expires=later()) == 3
    assert [units.take(COUNTER) for _ in range(16)] == [*range(4, 19), None]
    assert units.take("throttle:api:another-client:count") is None


def test_units_of_a_closed_window_are_not_handed_out():
    units = RateUnits()
    units.reserved(COUNTER, count=18, size=16, expires=time.time() - 1)
    assert units.take(COUNTER) is None
    assert units.block_size(COUNTER, 1000) == 1


def test_only_the_last_position_handed_out_is_given_back():
    units = RateUnits()
    first = units.reserved(COUNTER, count=10, size=4, expires=later())  # 7, holding 8-10
    eight, nine = units.take(COUNTER), units.take(COUNTER)
    assert units.give_back(COUNTER, eight) is False  # not the last: the counter is decremented
    assert units.give_back(COUNTER, nine) is True
    assert [units.take(COUNTER) for _ in range(3)] == [9, 10, None]
    assert first == 7 and units.give_back("throttle:api:another-client:count", 3) is False


@pytest.fixture
def cache_writes(monkeypatch):
    """The keys the shared cache's writing statements (UPDATE, INSERT) wrote, in order."""
    writes = []
    original = PostgresCache._execute

    def execute(cache, sql, params=()):
        if sql.startswith(("WITH counted AS (UPDATE", "UPDATE", "INSERT")):
            writes.extend(param for param in params if isinstance(param, str) and ":" in param)
        return original(cache, sql, params)

    monkeypatch.setattr(PostgresCache, "_execute", execute)
    return writes


def test_a_clients_requests_write_its_counter_once_per_block(api_client, settings, cache_writes):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1000/min", "token": "1000/min"},
    }
    statuses = [api_client.get("/api/auth/me").status_code for _ in range(100)]
    assert statuses == [200] * 100
    counter = counter_key("api", str(api_client.api_client.uuid))
    # the window's opening (an increment that finds none, then the counter's creation), a
    # block of one (the counter is now known), then blocks of 16 for the other 98 requests
    blocks = -(-98 // rate_units.MOST)
    assert sum(key.endswith(counter) for key in cache_writes) == 2 + 1 + blocks

    assert 100 <= caches["platform"].get(counter) < 100 + rate_units.MOST


def test_exactly_the_limit_is_served_though_units_are_reserved_ahead(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100/min", "token": "1000/min"},
    }
    statuses = [api_client.get("/api/auth/me").status_code for _ in range(150)]
    assert statuses == [200] * 100 + [429] * 50
