"""The address a request comes from, as throttles and login lockouts count it.

`X-Forwarded-For` is believed only when the peer is one of `TRUSTED_PROXIES` (README,
configuration): anyone else could write any address there and get a fresh limit with every
request. Behind trusted proxies the client is the right-most entry no trusted proxy wrote.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The client's address for `request` (a Django or DRF request)."""
    meta = request.META
    address = meta.get("REMOTE_ADDR", "")
    if not _is_trusted(address):
        return address
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if hop and not _is_trusted(hop):
            return hop
        address = hop or address
    return address
