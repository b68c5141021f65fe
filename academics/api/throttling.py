"""Rate limits: per API client on the resource API, per client id and address on the token
endpoint. The rates are the `DEFAULT_THROTTLE_RATES` setting, read at request time."""

from collections.abc import Mapping

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ApiClientRateThrottle(_SettingsRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        client = getattr(request, "user", None)
        ident = getattr(client, "uuid", None) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenRateThrottle(_SettingsRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        data = request.data if isinstance(request.data, Mapping) else {}  # JSON may be a list
        client_id = str(data.get("client_id", ""))[:100]
        ident = f"{self.get_ident(request)}:{client_id}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
