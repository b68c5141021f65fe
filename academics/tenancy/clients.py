"""API clients: creation, revocation, and the per-request token check (cached)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from academics.tenancy import secrets
from academics.tenancy.models import ApiClient, ApiScope, Tenant


@dataclass(frozen=True)
class IssuedCredentials:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once; only its hash is stored


def api_client_create(
    *,
    tenant: Tenant,
    name: str,
    read_only: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> IssuedCredentials:
    """A new client of `tenant`'s API. The plain secret exists only in the returned value.
    Credentials are generated unless given (the demo tenant uses well-known ones)."""
    secret = client_secret or generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            **({"client_id": client_id} if client_id else {}),
            name=f"{tenant.identifier}: {name}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
        )
        scopes = [ApiScope.READ] if read_only else [ApiScope.READ, ApiScope.WRITE]
        client = ApiClient.objects.create(
            tenant=tenant, application=application, name=name, scopes=" ".join(scopes)
        )
    return IssuedCredentials(client, application.client_id, secret)


def api_client_revoke(*, client: ApiClient) -> None:
    """Deactivate `client` and end its tokens now, in every process sharing the cache."""
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save()  # the post_save handler forgets the cached tokens
    AccessToken.objects.filter(application_id=client.application_id).delete()


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


class TenantClientValidator(OAuth2Validator):
    """Issues tokens only to active clients of active tenants, with the scopes asked for when
    the client has them all (none asked: all the client has)."""

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        api_client = getattr(client, "api_client", None)
        return api_client is not None and set(scopes) <= api_client.scope_set

    def get_default_scopes(self, client_id, request, *args, **kwargs):
        api_client = getattr(request.client, "api_client", None)
        return sorted(api_client.scope_set, key=ApiScope.values.index) if api_client else []

    def _load_application(self, client_id, request):
        if "\x00" in str(client_id):  # no client has it, and PostgreSQL text cannot hold it
            request.client = None
            return None
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        client = ApiClient.objects.select_related("tenant").filter(application=application).first()
        if client is None or not client.is_active or not client.tenant.is_active:
            request.client = None
            return None
        return application

    def _check_secret(self, provided_secret, stored_secret):
        """Dual verification: a secret stored with an older (slow) hasher still works, and is
        re-stored with the HMAC hasher once presented correctly (academics/tenancy/secrets.py).
        """
        valid = super()._check_secret(provided_secret, stored_secret)
        try:
            algorithm = identify_hasher(stored_secret).algorithm
        except ValueError:  # stored in plain text (not hashed): left as it is
            algorithm = secrets.ALGORITHM
        if valid and algorithm != secrets.ALGORITHM:
            Application.objects.filter(client_secret=stored_secret).update(
                client_secret=make_password(provided_secret, hasher=secrets.ALGORITHM)
            )
        return valid
