"""One outbound HTTP POST to a checked address: SSRF rules at send time, no redirects."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache

import httpx

from app.webhooks.ssrf import Target, UnsafeTarget, parse_target, resolve_public

RESPONSE_EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class SendResult:
    """What came back: a status code, or an error when no response arrived."""

    status_code: int | None
    error: str | None
    response_excerpt: str | None
    retry_after: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _address_url(target: Target, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"{target.scheme}://{host}:{target.port}{target.path}"


def _host_header(target: Target) -> str:
    default_port = 443 if target.scheme == "https" else 80
    return target.host if target.port == default_port else f"{target.host}:{target.port}"


async def post_json(
    http: httpx.AsyncClient | ClientPool,
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout_seconds: float,
    allow_http: bool,
    allow_private: bool,
) -> SendResult:
    """POST `body` to `url` within `timeout_seconds` in total (DNS included).

    The host is resolved and every address checked; the request then goes to the checked
    address (with the original Host header and TLS server name), so a DNS answer cannot change
    between the check and the connection.
    """
    try:
        async with asyncio.timeout(timeout_seconds):
            target = parse_target(url, allow_http=allow_http)
            addresses = await resolve_public(target, allow_private=allow_private)
            address_url = _address_url(target, addresses[0])
            async with _client(http, (address_url, target.host)) as client:
                request = client.build_request(
                    "POST",
                    address_url,
                    content=body,
                    headers={**headers, "host": _host_header(target)},
                    extensions={"sni_hostname": target.host},
                )
                response = await client.send(request, stream=True)
                try:
                    excerpt = await _read_excerpt(response)
                finally:
                    await response.aclose()
    except UnsafeTarget as exc:
        return SendResult(None, f"target refused: {exc}", None, None)
    except TimeoutError:
        return SendResult(None, f"timed out after {timeout_seconds:g}s", None, None)
    except httpx.HTTPError as exc:
        return SendResult(None, f"{type(exc).__name__}: {exc}"[:500], None, None)
    return SendResult(response.status_code, None, excerpt, response.headers.get("retry-after"))


async def _read_excerpt(response: httpx.Response) -> str:
    collected = b""
    async for chunk in response.aiter_raw():
        collected += chunk
        if len(collected) >= RESPONSE_EXCERPT_BYTES:
            break
    return collected[:RESPONSE_EXCERPT_BYTES].decode("utf-8", errors="replace")


def create_http_client(
    *, max_connections: int = 20, max_keepalive_connections: int = 10
) -> httpx.AsyncClient:
    """A client with a bounded pool, no redirects, TLS verified."""
    return httpx.AsyncClient(
        verify=_tls_context(),
        follow_redirects=False,
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_keepalive_connections
        ),
        timeout=httpx.Timeout(30.0),
        headers={"user-agent": "AetherFlow-Webhooks/1"},
    )


@cache
def _tls_context() -> ssl.SSLContext:
    """The certificate-verifying TLS context, built once: building one (the CA bundle read and
    parsed) costs tens of milliseconds, and clients are made as destinations need them."""
    return httpx.create_ssl_context()


# A destination: the checked address URL's origin and the TLS server name.
Destination = tuple[str, str]


@dataclass
class _PooledClient:
    client: httpx.AsyncClient
    in_flight: int = 0


class ClientPool:
    """httpx clients per destination, each with at most `per_client` requests in flight.

    httpcore's pool looks at every connection of a client on each request (a socket poll for
    each idle one), so a client's CPU per request grows with the requests it has in flight:
    one each costs least. A slow destination never holds connections another one needs.
    Clients of destinations unused for a while are closed once more than `max_destinations`
    are open.
    """

    def __init__(self, *, per_client: int = 1, max_destinations: int = 64) -> None:
        self.per_client = per_client
        self.max_destinations = max_destinations
        self._clients: OrderedDict[str, list[_PooledClient]] = OrderedDict()

    @asynccontextmanager
    async def client(self, destination: Destination) -> AsyncIterator[httpx.AsyncClient]:
        key = _origin(destination)
        if key not in self._clients:
            await self._close_idle()
        # Looked up after the await: another attempt may have added or closed it meanwhile.
        pooled = self._clients.setdefault(key, [])
        self._clients.move_to_end(key)
        chosen = min(pooled, key=lambda c: c.in_flight, default=None)
        if chosen is None or chosen.in_flight >= self.per_client:
            chosen = _PooledClient(
                create_http_client(
                    max_connections=self.per_client, max_keepalive_connections=self.per_client
                )
            )
            pooled.append(chosen)
        chosen.in_flight += 1
        try:
            yield chosen.client
        finally:
            chosen.in_flight -= 1

    async def _close_idle(self) -> None:
        """Make room for one more destination: close the least recently used idle ones beyond
        `max_destinations`. They leave the map before any await, so concurrent callers never
        see a destination half closed."""
        excess = len(self._clients) + 1 - self.max_destinations
        closing: list[_PooledClient] = []
        for key, pooled in list(self._clients.items()):
            if excess <= 0:
                break
            if all(c.in_flight == 0 for c in pooled):
                del self._clients[key]
                closing.extend(pooled)
                excess -= 1
        for c in closing:
            await c.client.aclose()

    async def aclose(self) -> None:
        clients, self._clients = self._clients, OrderedDict()
        for pooled in clients.values():
            for c in pooled:
                await c.client.aclose()


def _origin(destination: Destination) -> str:
    address_url, server_name = destination
    scheme, _, rest = address_url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]} {server_name}"


@asynccontextmanager
async def _client(
    http: httpx.AsyncClient | ClientPool, destination: Destination
) -> AsyncIterator[httpx.AsyncClient]:
    if isinstance(http, ClientPool):
        async with http.client(destination) as client:
            yield client
    else:
        yield http
