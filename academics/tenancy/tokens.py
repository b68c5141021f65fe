"""The per-request token check: which client and scopes a bearer token grants, cached in the
shared cache and in each process for the current generation (academics/tenancy/lookups.py), and
forgotten at once when its client or tenant changes (docs/commands.md)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from oauth2_provider.models import AccessToken

from academics.tenancy.lookups import LocalEntries, forget_tenants, request_generation
from academics.tenancy.models import ApiClient, Tenant

_local_grants = LocalEntries("API_TOKEN_CACHE_SECONDS")

# The client each token seen by this process belongs to. A token never changes hands, so an
# entry stays true across generations (whether the token is still good is the grant's to say);
# it lets a request be counted against its client's rate limit before it is authenticated
# (academics/api/throttling.py). Bounded like the local entries.
_token_clients: dict[str, str] = {}
TOKEN_CLIENTS_LIMIT = 5000


def _token_cache():
    return caches["platform"]


def _token_key(checksum: str) -> str:
    return f"api-token-grant:{checksum}"


def token_checksum(raw_token: str) -> str:
    # The same digest django-oauth-toolkit stores in place of the token.
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenGrant:
    """Who a token belongs to, and what it may do: the scopes it was issued with (a client may
    ask for fewer than it has), never more than the client has now."""

    client: ApiClient
    scopes: frozenset[str]


def api_token_grant(raw_token: str) -> TokenGrant | None:
    """The active client owning this unexpired token and the token's scopes, or None. A warm
    call costs no query."""
    checksum = token_checksum(raw_token)
    generation = request_generation()
    cached = _local_grants.get(generation, checksum)
    if cached is None:
        cached = _shared_grant(checksum)
        if cached is None:
            return None
        ttl = min(settings.API_TOKEN_CACHE_SECONDS, (cached[1] - timezone.now()).total_seconds())
        _local_grants.put(generation, checksum, cached, max(ttl, 0))
    client, expires, scope = cached
    if checksum not in _token_clients:
        if len(_token_clients) >= TOKEN_CLIENTS_LIMIT:
            _token_clients.clear()
        _token_clients[checksum] = str(client.uuid)
    if expires <= timezone.now() or not client.is_active or not client.tenant.is_active:
        return None
    return TokenGrant(client, frozenset(scope.split()) & client.scope_set)


def token_client_uuid(raw_token: str) -> str | None:
    """The uuid of the client this token belongs to, if this process has seen the token."""
    return _token_clients.get(token_checksum(raw_token))


def _shared_grant(checksum: str) -> tuple | None:
    """(client, expiry, scope) of the token, from the shared cache or the database."""
    key = _token_key(checksum)
    cached = _token_cache().get(key)
    if cached is None:
        token = (
            AccessToken.objects.select_related("application__api_client__tenant")
            .filter(token_checksum=checksum)
            .first()
        )
        client = getattr(token.application, "api_client", None) if token else None
        if token is None or client is None:
            return None
        cached = (client, token.expires, token.scope)
        ttl = min(
            settings.API_TOKEN_CACHE_SECONDS, (token.expires - timezone.now()).total_seconds()
        )
        if ttl > 0:
            _token_cache().set(key, cached, timeout=ttl)
    return cached


def api_client_for_token(raw_token: str) -> ApiClient | None:
    """The active client owning this unexpired token, or None."""
    grant = api_token_grant(raw_token)
    return grant.client if grant else None


@receiver(post_save, sender=ApiClient)
def _forget_tokens_of_changed_client(instance: ApiClient, **kwargs):
    """Scopes, activity or tenant may have changed: drop the cached copies of the client."""
    checksums = AccessToken.objects.filter(application_id=instance.application_id).values_list(
        "token_checksum", flat=True
    )
    _token_cache().delete_many([_token_key(checksum) for checksum in checksums])
    forget_tenants()  # and every process's own copies


@receiver(post_save, sender=Tenant)
def _forget_tokens_of_changed_tenant(instance: Tenant, **kwargs):
    checksums = AccessToken.objects.filter(application__api_client__tenant=instance).values_list(
        "token_checksum", flat=True
    )
    _token_cache().delete_many([_token_key(checksum) for checksum in checksums])


@receiver(post_delete, sender=ApiClient)
@receiver(post_delete, sender=AccessToken)
def _forget_deleted_grants(instance, **kwargs):
    """A deleted client or token grants nothing from the next request on, in every process."""
    if isinstance(instance, AccessToken):
        _token_cache().delete(_token_key(instance.token_checksum))
    forget_tenants()
