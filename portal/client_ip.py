"""The client's address, believing X-Forwarded-For only from our own proxies.

Each proxy appends the address it saw to X-Forwarded-For. A request that reached the app from an
address in TRUSTED_PROXIES (addresses or networks) is read from the right: our own proxies are
skipped, and the first address that is not one of them is the client. Anything further left was
written by the client, and a request from any other address is its own client whatever it says,
so nobody can pick the address that rate limits and login lockouts count against. An entry that
is not an address ends the walk at the last good one.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _proxy_networks(configured: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in configured)


def _address(text: str) -> Address | None:
    """An address as proxies write it: bare, or with a port ("203.0.113.9:4711", "[2001:db8::1]:4711")."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _is_proxy(address: Address) -> bool:
    return any(address in network for network in _proxy_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    client = _address(remote)
    if client is None or not _is_proxy(client):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _is_proxy(address):
            break
    return str(client)
