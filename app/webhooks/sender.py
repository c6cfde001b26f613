"""One outbound HTTP POST to a checked address: SSRF rules at send time, no redirects."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass

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
    http: httpx.AsyncClient,
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
            request = http.build_request(
                "POST",
                _address_url(target, addresses[0]),
                content=body,
                headers={**headers, "host": _host_header(target)},
                extensions={"sni_hostname": target.host},
            )
            response = await http.send(request, stream=True)
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


def create_http_client(*, max_connections: int = 20) -> httpx.AsyncClient:
    """The worker's shared client: bounded pool, no redirects, TLS verified."""
    return httpx.AsyncClient(
        follow_redirects=False,
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=10),
        timeout=httpx.Timeout(30.0),
        headers={"user-agent": "AetherFlow-Webhooks/1"},
    )
