"""Issuing tokens (django-oauth-toolkit): only to active clients of active tenants, within the
client's scopes; client secrets checked by the keyed hasher (`secrets.py`)."""

from django.contrib.auth.hashers import identify_hasher, make_password
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator

from academics.tenancy import secrets
from academics.tenancy.models import ApiClient, ApiScope


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
