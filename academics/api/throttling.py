"""Rate limits: per API client on the resource API, per client id and address on the token
endpoint. The rates are the `DEFAULT_THROTTLE_RATES` setting, read at request time.

Each limit is a window that opens with a client's first request and lasts the rate's period,
counted with an atomic cache increment: the cost per request stays constant (DRF's own
throttles keep, and re-pickle on every request, the timestamps of every request in the window,
which grows with the rate) and the count is exact across processes sharing the cache
(settings.CACHES). With the default cache the API's limit is counted in blocks of positions
reserved ahead (academics/tenancy/rate_units.py); a request is served when its position is
within the limit.
"""

import hashlib
import math
import time
from collections.abc import Mapping

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from academics.client_address import client_address
from academics.tenancy import lookups
from academics.tenancy.tokens import token_client_uuid


def _counters():
    # The platform's cache: counters are keyed by client or address, not by tenant schema, so
    # one can be counted before the request is routed (`counter_before_routing`).
    return caches["platform"]


def counter_key(scope: str, ident: str) -> str:
    return f"throttle:{scope}:{ident}:count"


def counter_before_routing(request) -> tuple[str, int] | None:
    """The API rate limit's counter and limit for a request with a bearer token whose client
    this process already knows: the tenancy middleware counts the request in the same round
    trip as its read of the tenants' generation (academics/tenancy/lookups.py), and the
    throttle takes that count."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(ApiClientRateThrottle.scope)
    if rate is None:
        return None
    keyword, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if keyword.lower() != "bearer" or not token.strip():
        return None
    client_uuid = token_client_uuid(token.strip())
    if client_uuid is None:
        return None
    limit, _ = SimpleRateThrottle.parse_rate(None, rate)
    return counter_key(ApiClientRateThrottle.scope, client_uuid), limit


class WindowRateThrottle(BaseThrottle):
    scope: str = ""

    def ident_of(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is None:
            return True
        limit, period = SimpleRateThrottle.parse_rate(None, rate)
        ident = self.ident_of(request)
        counter, start = counter_key(self.scope, ident), f"throttle:{self.scope}:{ident}:start"
        cache = _counters()
        now = time.time()
        count = lookups.take_count(counter)  # counted as the request began
        if count is None:
            try:  # one round trip while a window is open
                count = cache.incr(counter)
            except ValueError:  # none is: this request opens one
                cache.set(start, now, timeout=period)
                if cache.add(counter, 1, timeout=period):
                    return True
                count = cache.incr(counter)  # another process opened it just now
        if count <= limit:
            return True
        started = cache.get(start, now)
        self.retry_after = max(1, math.ceil(started + period - now))
        return False

    def wait(self):
        return self.retry_after

    def get_ident(self, request) -> str:
        return client_address(request)


class ApiClientRateThrottle(WindowRateThrottle):
    scope = "api"

    def ident_of(self, request) -> str:
        client = getattr(request, "user", None)
        return str(getattr(client, "uuid", None) or self.get_ident(request))


class TokenRateThrottle(WindowRateThrottle):
    scope = "token"

    def ident_of(self, request) -> str:
        data = request.data if isinstance(request.data, Mapping) else {}  # JSON may be a list
        # Hashed: a client id is arbitrary text, not a safe cache key.
        client_id = hashlib.sha256(str(data.get("client_id", "")).encode()).hexdigest()[:32]
        return f"{self.get_ident(request)}:{client_id}"
