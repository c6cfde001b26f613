"""One outbound HTTP POST to a checked address: SSRF rules at send time, no redirects."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache

import httpcore
import httpx

from app.webhooks.backpressure import PACING_FIELDS
from app.webhooks.ssrf import Target, UnsafeTarget, parse_target, resolve_public
from app.webhooks.transport import AsyncioBackend

RESPONSE_EXCERPT_BYTES = 2048
USER_AGENT = "AetherFlow-Webhooks/1"
# Each phase's own limit (the attempt's whole deadline is `timeout_seconds`).
TIMEOUT_SECONDS = 30.0
_TIMEOUTS = dict.fromkeys(("connect", "read", "write", "pool"), TIMEOUT_SECONDS)
# What httpx's client adds to every request (its defaults, the user agent ours).
_CLIENT_HEADERS = (
    ("accept", "*/*"),
    ("accept-encoding", "gzip, deflate"),
    ("connection", "keep-alive"),
    ("user-agent", USER_AGENT),
)
_PACING_NAMES = frozenset(name.encode() for name in PACING_FIELDS)
# Every error httpcore raises for a request that got no response.
_HTTP_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)


@dataclass(frozen=True)
class SendResult:
    """What came back: a status code, or an error when no response arrived."""

    status_code: int | None
    error: str | None
    response_excerpt: str | None
    retry_after: str | None
    # `Retry-After` and the `RateLimit` fields, by lower-case name (app/webhooks/backpressure.py).
    pacing_fields: dict[str, str] = field(default_factory=dict)

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
    clients: ClientPool,
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
            async with (
                clients.client((address_url, target.host)) as client,
                client.stream(
                    "POST",
                    address_url,
                    headers=_request_headers(target, headers),
                    content=body,
                    extensions={"sni_hostname": target.host, "timeout": _TIMEOUTS},
                ) as response,
            ):
                excerpt = await _read_excerpt(response)
    except UnsafeTarget as exc:
        return SendResult(None, f"target refused: {exc}", None, None)
    except TimeoutError:
        return SendResult(None, f"timed out after {timeout_seconds:g}s", None, None)
    except _HTTP_ERRORS as exc:
        return SendResult(None, f"{type(exc).__name__}: {exc}"[:500], None, None)
    fields = _pacing_fields(response.headers)
    return SendResult(response.status, None, excerpt, fields.get("retry-after"), fields)


def _request_headers(target: Target, headers: dict[str, str]) -> list[tuple[str, str]]:
    """The headers an httpx client with `create_http_client`'s defaults would send (httpcore
    adds the content length)."""
    return [("host", _host_header(target)), *_CLIENT_HEADERS, *headers.items()]


def _pacing_fields(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """`Retry-After` and the `RateLimit` fields of the answer; a repeated one is joined with
    commas, as HTTP combines field lines."""
    fields: dict[str, str] = {}
    for raw_name, raw_value in headers:
        if raw_name.lower() in _PACING_NAMES:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            fields[name] = f"{fields[name]}, {value}" if name in fields else value
    return fields


async def _read_excerpt(response: httpcore.Response) -> str:
    collected = b""
    async for chunk in response.aiter_stream():
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
        timeout=httpx.Timeout(TIMEOUT_SECONDS),
        headers={"user-agent": USER_AGENT},
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
    client: httpcore.AsyncConnectionPool
    in_flight: int = 0


class ClientPool:
    """Webhook clients per destination, each with at most `per_client` requests in flight.

    A client is an httpcore connection pool: httpx's client layers around it (request and
    response models, cookies, auth and redirect steps) cost more CPU than httpcore's own
    request, and webhooks use none of them. httpcore's pool looks at every connection of a
    client on each request (a socket poll for each idle one), so a client's CPU per request
    grows with the requests it has in flight: one each costs least. A slow destination never
    holds connections another one needs. Clients of destinations unused for a while are closed
    once more than `max_destinations` are open.
    """

    def __init__(self, *, per_client: int = 1, max_destinations: int = 64) -> None:
        self.per_client = per_client
        self.max_destinations = max_destinations
        self._clients: OrderedDict[str, list[_PooledClient]] = OrderedDict()
        self._network = AsyncioBackend()

    @asynccontextmanager
    async def client(self, destination: Destination) -> AsyncIterator[httpcore.AsyncConnectionPool]:
        key = _origin(destination)
        if key not in self._clients:
            await self._close_idle()
        # Looked up after the await: another attempt may have added or closed it meanwhile.
        pooled = self._clients.setdefault(key, [])
        self._clients.move_to_end(key)
        chosen = min(pooled, key=lambda c: c.in_flight, default=None)
        if chosen is None or chosen.in_flight >= self.per_client:
            chosen = _PooledClient(
                httpcore.AsyncConnectionPool(
                    ssl_context=_tls_context(),
                    max_connections=self.per_client,
                    max_keepalive_connections=self.per_client,
                    network_backend=self._network,
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
