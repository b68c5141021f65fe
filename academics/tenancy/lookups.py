"""Cached identifier/host -> tenant lookups, so that routing a request costs no query.

Entries live in their own cache (not keyed by the current schema) and carry a generation number;
any save or delete of a tenant or a domain, and any change of an API client, bumps the
generation, which retires every entry at once (renamed domains included) in every process that
shares the cache.

A request reads the generation once (`request_generation`); each process keeps its own copies of
the entries of the current generation (`LocalEntries`), so that a warm request costs one shared
cache read for routing and authentication together, and a change is still seen by the next
request in every process. A warm API request also counts itself against its client's rate limit
in that same round trip, or takes a unit of it that this process reserved ahead
(`begin_request(counter=...)`, academics/tenancy/rate_units.py).
"""

import contextlib
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from academics.tenancy import rate_units
from academics.tenancy.models import Domain, Tenant

GENERATION_KEY = "tenancy:generation"
_MISSING = "missing"


def _cache():
    return caches["platform"]


def _generation() -> str:
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = _cache().get(GENERATION_KEY)
    return generation


_request = threading.local()


def begin_request(counter: str | None = None, limit: int | None = None) -> None:
    """Read the generation once for the request this thread now serves. `counter`: the API rate
    limit's key (`limit` units per window, academics/api/throttling.py), counted in the same
    round trip, or from a unit this process holds (academics/tenancy/rate_units.py); the
    request's position in its window is what `take_count` hands to the throttle."""
    _request.counted = None
    cache = _cache()
    if counter is not None and hasattr(cache, "get_and_incr"):
        held = rate_units.units.take(counter)
        if held is not None:
            _request.counted = (counter, held)
        else:
            size = rate_units.units.block_size(counter, limit)
            generation, count, expires = cache.get_and_incr(GENERATION_KEY, counter, size)
            if count is not None:  # else no window is open: the throttle opens one
                position = rate_units.units.reserved(counter, count, size, expires)
                _request.counted = (counter, position)
            if generation is not None:
                _request.generation = generation
                return
    _request.generation = _generation()


def take_count(counter: str) -> int | None:
    """The request's position in `counter`'s window, counted when it began (None if it was
    not); taken once."""
    counted = getattr(_request, "counted", None)
    if counted is None or counted[0] != counter:
        return None
    _request.counted = None
    return counted[1]


def end_request() -> None:
    """A position no throttle took is given back: the request ended before its rate was checked
    (refused by authentication or scope, as DRF checks those first), so it does not count."""
    counted = getattr(_request, "counted", None)
    _request.generation = _request.counted = None
    if counted is not None and not rate_units.units.give_back(*counted):
        with contextlib.suppress(ValueError):  # the window closed meanwhile
            _cache().decr(counted[0])


def request_generation() -> str:
    """The generation the current request read, or a fresh read outside a request."""
    generation = getattr(_request, "generation", None)
    return _generation() if generation is None else generation


class LocalEntries:
    """A process's own copies of shared-cache entries, valid for one generation and at most
    `seconds`; bounded, so that a worker serving thousands of tenants keeps a few megabytes."""

    LIMIT = 5000

    def __init__(self, seconds_setting: str):
        self.seconds_setting = seconds_setting
        self.generation = None
        self.entries: dict = {}

    def get(self, generation: str, key):
        if generation != self.generation:
            self.generation, self.entries = generation, {}
            return None
        found = self.entries.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, generation: str, key, value, seconds: float | None = None) -> None:
        if generation != self.generation:
            self.generation, self.entries = generation, {}
        if len(self.entries) >= self.LIMIT:
            self.entries = {}
        seconds = getattr(settings, self.seconds_setting) if seconds is None else seconds
        self.entries[key] = (time.monotonic() + seconds, value)


_local_tenants = LocalEntries("TENANT_CACHE_SECONDS")


def _cached(kind: str, value: str, load):
    generation = request_generation()
    found = _local_tenants.get(generation, (kind, value))
    if found is None:
        key = f"tenancy:{generation}:{kind}:{value}"
        found = _cache().get(key)
        if found is None:
            found = load() or _MISSING
            _cache().set(key, found, timeout=settings.TENANT_CACHE_SECONDS)
        _local_tenants.put(generation, (kind, value), found)
    return None if found == _MISSING else found


def tenant_for_identifier(identifier: str) -> Tenant | None:
    """The active tenant with this identifier, or None."""
    return _cached(
        "identifier",
        identifier,
        lambda: Tenant.objects.filter(identifier=identifier, is_active=True).first(),
    )


def tenant_for_host(host: str) -> Tenant | None:
    """The active tenant one of whose domains is `host`, or None."""
    return _cached(
        "host",
        host,
        lambda: Tenant.objects.filter(domains__domain=host, is_active=True).first(),
    )


def forget_tenants() -> None:
    """Retire every cached lookup. A generation is a random value, never a count: one that a
    rolled-back transaction wrote can never come back and revive the copies made under it."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _forget_on_change(**kwargs):
    forget_tenants()
