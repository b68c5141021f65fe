"""The per-request token check: which client and scopes a bearer token grants, cached in the
shared cache, and forgotten at once when its client or tenant changes (docs/commands.md)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from oauth2_provider.models import AccessToken

from academics.tenancy.models import ApiClient, Tenant


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
    key = _token_key(token_checksum(raw_token))
    cached = _token_cache().get(key)
    if cached is None:
        token = (
            AccessToken.objects.select_related("application__api_client__tenant")
            .filter(token_checksum=token_checksum(raw_token))
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
    client, expires, scope = cached
    if expires <= timezone.now() or not client.is_active or not client.tenant.is_active:
        return None
    return TokenGrant(client, frozenset(scope.split()) & client.scope_set)


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


@receiver(post_save, sender=Tenant)
def _forget_tokens_of_changed_tenant(instance: Tenant, **kwargs):
    checksums = AccessToken.objects.filter(application__api_client__tenant=instance).values_list(
        "token_checksum", flat=True
    )
    _token_cache().delete_many([_token_key(checksum) for checksum in checksums])
