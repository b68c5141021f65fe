"""Cached identifier/host -> tenant lookups, so that routing a request costs no query.

Entries live in their own cache (not keyed by the current schema) and carry a generation number;
any save or delete of a tenant or a domain bumps the generation, which retires every entry at once
(renamed domains included) in every process that shares the cache.
"""

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from academics.tenancy.models import Domain, Tenant

GENERATION_KEY = "tenancy:generation"
_MISSING = "missing"


def _cache():
    return caches["platform"]


def _generation() -> int:
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        generation = 1
        _cache().add(GENERATION_KEY, generation, timeout=None)
    return generation


def _cached(kind: str, value: str, load):
    key = f"tenancy:{_generation()}:{kind}:{value}"
    found = _cache().get(key)
    if found is None:
        found = load() or _MISSING
        _cache().set(key, found, timeout=settings.TENANT_CACHE_SECONDS)
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
    """Retire every cached lookup."""
    try:
        _cache().incr(GENERATION_KEY)
    except ValueError:
        _cache().set(GENERATION_KEY, 2, timeout=None)


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _forget_on_change(**kwargs):
    forget_tenants()
