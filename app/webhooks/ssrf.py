"""Refuse webhook targets that would reach the service's own network (CONTRACT.md §8).

Checked when an endpoint's URL is set and again before every delivery attempt, because what a
name resolves to can change after it was accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import InitVar, dataclass
from typing import final
from urllib.parse import urlsplit

from app.core.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 5.0
_DEFAULT_PORTS = {"https": 443, "http": 80}
_HOST_NAME = re.compile(r"^[a-z0-9_.-]+$")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
# Networks some Python versions still call global; none of them is a webhook receiver.
_NON_PUBLIC_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
        "64:ff9b:1::/48",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
    )
)
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


class _CheckerToken:
    """Held only by this module: what CheckedUrl's constructor asks for."""


_CHECKER = _CheckerToken()


@final
@dataclass(frozen=True)
class CheckedUrl:
    """A webhook URL that validate_webhook_url accepted. Only it can make one (the constructor
    wants this module's token, at type-check time and at run time), so code that takes a
    CheckedUrl cannot be handed an unchecked string."""

    text: str
    checker: InitVar[_CheckerToken]

    def __post_init__(self, checker: _CheckerToken) -> None:
        if checker is not _CHECKER:
            raise TypeError("Only validate_webhook_url makes a CheckedUrl.")


class UnsafeTarget(Exception):
    """A webhook URL that must not be called; the message never repeats the URL."""


@dataclass(frozen=True)
class Target:
    scheme: str
    # Lowercase, IDNA-encoded; an IPv6 literal without its brackets.
    host: str
    port: int
    # Path and query string, as sent in the request line.
    path: str = "/"


def parse_target(url: str, *, allow_http: bool) -> Target:
    """The parts of a webhook URL that decide where it connects, or UnsafeTarget."""
    if _CONTROL_OR_SPACE.search(url):
        raise UnsafeTarget("The URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget("The URL is malformed or its port is invalid.") from None
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeTarget(f"The URL must use {' or '.join(allowed)}.")
    if "@" in parts.netloc:
        raise UnsafeTarget("The URL must not contain credentials.")
    if not parts.hostname:
        raise UnsafeTarget("The URL must name a host.")
    if port == 0:
        raise UnsafeTarget("The URL is malformed or its port is invalid.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(
        scheme=parts.scheme,
        host=_normalized_host(parts.hostname),
        port=port or _DEFAULT_PORTS[parts.scheme],
        path=path,
    )


def _normalized_host(host: str) -> str:
    if _ip_literal(host) is not None:
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeTarget("The URL's host name is not valid.") from None
    if not _HOST_NAME.match(ascii_host):
        raise UnsafeTarget("The URL's host name is not valid.")
    return ascii_host


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is reachable on the public internet (and only there)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in network for network in _NON_PUBLIC_NETWORKS):
        return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address leads to, if it is one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


async def resolve_public(target: Target, *, allow_private: bool) -> list[IPAddress]:
    """The target's addresses in resolver order; UnsafeTarget if any of them is not public."""
    literal = _ip_literal(target.host)
    addresses = [literal] if literal is not None else await _resolve(target)
    if not allow_private and not all(is_public_address(address) for address in addresses):
        raise UnsafeTarget("The URL's host resolves to a non-public address.")
    return addresses


async def _resolve(target: Target) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM),
            RESOLVE_TIMEOUT_SECONDS,
        )
    except (OSError, UnicodeError, TimeoutError):
        raise UnsafeTarget("The URL's host name could not be resolved.") from None
    addresses: list[IPAddress] = []
    for family, _, _, _, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]))
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeTarget("The URL's host name could not be resolved.")
    return addresses


async def validate_webhook_url(url: str, *, allow_http: bool, allow_private: bool) -> CheckedUrl:
    """The URL, accepted; or ValidationFailed (422) saying why, at path `url`."""
    try:
        if len(url) > MAX_URL_LENGTH:
            raise UnsafeTarget(f"The URL must be at most {MAX_URL_LENGTH} characters.")
        target = parse_target(url, allow_http=allow_http)
        await resolve_public(target, allow_private=allow_private)
    except UnsafeTarget as exc:
        raise ValidationFailed(details=[{"path": "url", "message": str(exc)}]) from None
    return CheckedUrl(url, _CHECKER)
