"""The client address that failed authentication is counted by.

Behind Render's proxy the socket peer is the proxy; the client is in `X-Forwarded-For`, to
which each proxy appends the address it received the request from. Only the entries added by
the `TRUSTED_PROXY_HOPS` proxies we run behind can be believed: the client is the N-th entry
from the right. Anything to its left was written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress

from starlette.datastructures import Headers
from starlette.types import Scope

UNKNOWN_ADDRESS = "unknown"
# One IPv6 subscriber usually holds a whole /64, so its addresses share one quota.
IPV6_PREFIX_LENGTH = 64


def client_address(scope: Scope, trusted_proxy_hops: int) -> str:
    """The address to count by: an IPv4 address or an IPv6 /64 network, as text."""
    peer = scope.get("client")
    address = _parse(peer[0]) if peer else None
    if trusted_proxy_hops > 0:
        forwarded = [
            entry.strip()
            for value in Headers(scope=scope).getlist("x-forwarded-for")
            for entry in value.split(",")
        ]
        if len(forwarded) >= trusted_proxy_hops:
            address = _parse(forwarded[-trusted_proxy_hops]) or address
    if address is None:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX_LENGTH), strict=False))
    return str(address)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
