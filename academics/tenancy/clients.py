"""API clients: creation and revocation (their tokens: `tokens.py`; issuing them: `oauth.py`)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

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
