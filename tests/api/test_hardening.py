"""HTTP hardening: security headers, CORS, the request deadline, and no server banner."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Security

from app.api import hardening
from app.api.deps import api_key
from app.api.v1 import include_v1
from app.http.paths import TENANT_PREFIX
from app.tenants.auth import Principal
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.live import free_port
from tests.reports.helpers import REPORTS

ALLOWED_ORIGIN = "https://app.example.com"
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"

Reader = Annotated[Principal, Security(api_key, scopes=["reports:read"])]


def mount_slow_routes(app: FastAPI) -> None:
    router = APIRouter(prefix=f"{TENANT_PREFIX}/hardening")

    @router.get("/slow")
    async def slow(who: Reader) -> Any:
        await asyncio.sleep(30)
        return {"data": None}

    @router.get("/boom")
    async def boom(who: Reader) -> Any:
        raise RuntimeError("boom")

    include_v1(app, router)


@pytest.fixture
async def hardened(
    database_url: str, redis_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    # Short enough for a test, long enough for a first request on a loaded machine.
    monkeypatch.setattr(hardening, "REQUEST_DEADLINE_SECONDS", 2.0)
    settings = make_settings(
        database_url, redis_url, cors_allowed_origins=f"{ALLOWED_ORIGIN},https://admin.example.com"
    )
    async with serve(settings, customize=mount_slow_routes) as client:
        yield client


def assert_security_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"] == STRICT_CSP


async def test_every_response_carries_the_security_headers(
    hardened: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    responses = [
        await hardened.get("/health"),
        await hardened.get("/metrics"),
        await hardened.get("/no/such/path"),
        await hardened.delete("/health"),
        await hardened.get(REPORTS.format("acme")),
        await hardened.get(REPORTS.format("acme"), headers=tenant_keys.headers),
        await hardened.options(
            REPORTS.format("acme"),
            headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET"},
        ),
    ]
    for response in responses:
        assert_security_headers(response)
        assert "x-request-id" in response.headers


async def test_tenant_data_is_never_cached(hardened: httpx.AsyncClient, tenant_keys: Keys) -> None:
    for response in (
        await hardened.get(REPORTS.format("acme"), headers=tenant_keys.headers),
        await hardened.get(REPORTS.format("acme")),
        await hardened.get("/v1/tenants/acme/nothing-here", headers=tenant_keys.headers),
    ):
        assert response.headers["cache-control"] == "no-store"
    assert "cache-control" not in (await hardened.get("/health")).headers


async def test_docs_page_gets_a_policy_that_lets_it_render(hardened: httpx.AsyncClient) -> None:
    page = await hardened.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = {
        directive.split()[0]: set(directive.split()[1:])
        for directive in page.headers["content-security-policy"].split("; ")
    }
    assert policy["default-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    html = page.text
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link type="text/css" rel="stylesheet" href="([^"]+)"', html)
    icons = re.findall(r'<link rel="shortcut icon" href="([^"]+)"', html)
    assert scripts
    assert styles
    assert icons
    for src in scripts:
        assert _origin(src) in policy["script-src"], src
    assert re.search(r"<script>\s*const ui = SwaggerUIBundle", html)
    assert "'unsafe-inline'" in policy["script-src"]
    for href in styles:
        assert _origin(href) in policy["style-src"], href
    for href in icons:
        assert _origin(href) in policy["img-src"], href
    assert "data:" in policy["img-src"]
    assert "'self'" in policy["connect-src"]  # the page fetches /openapi.json
    openapi = await hardened.get("/openapi.json")
    assert openapi.headers["content-security-policy"] == STRICT_CSP


def _origin(url: str) -> str:
    match = re.match(r"^(https://[^/]+)/", url)
    assert match is not None, url
    return match[1]


async def test_preflight_from_an_allowed_origin_is_answered_by_cors(
    hardened: httpx.AsyncClient,
) -> None:
    response = await hardened.options(
        REPORTS.format("acme"),
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert response.headers["access-control-max-age"] == "600"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key", "x-request-id"):
        assert header in allowed_headers
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    ("origin", "method", "request_headers"),
    [
        ("https://evil.example.com", "GET", None),
        ("http://app.example.com", "GET", None),
        (ALLOWED_ORIGIN, "PUT", None),
        (ALLOWED_ORIGIN, "GET", "x-not-allowed"),
    ],
)
async def test_a_refused_preflight_gets_no_grant(
    hardened: httpx.AsyncClient, origin: str, method: str, request_headers: str | None
) -> None:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers:
        headers["Access-Control-Request-Headers"] = request_headers
    response = await hardened.options(REPORTS.format("acme"), headers=headers)
    assert_error(response, 405, "method_not_allowed")
    assert "access-control-allow-origin" not in response.headers
    unknown = await hardened.options("/v1/nothing", headers=headers)
    assert_error(unknown, 404, "not_found")
    assert "access-control-allow-origin" not in unknown.headers


async def test_error_envelopes_carry_cors_headers_for_allowed_origins(
    hardened: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    origin = {"Origin": ALLOWED_ORIGIN}
    for response in (
        await hardened.get(REPORTS.format("acme"), headers=origin),
        await hardened.get("/v1/nothing", headers=origin),
        await hardened.get(
            f"{TENANT_PREFIX.format(tenantId='acme')}/hardening/boom",
            headers={**origin, **tenant_keys.headers},
        ),
    ):
        assert response.status_code >= 400
        assert "error" in response.json()
        assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        exposed = response.headers["access-control-expose-headers"]
        for header in ("X-Request-Id", "RateLimit", "Retry-After"):
            assert header in exposed
    refused = await hardened.get(REPORTS.format("acme"), headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in refused.headers


async def test_an_unexpected_error_is_a_500_envelope(
    hardened: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await hardened.get(
        f"{TENANT_PREFIX.format(tenantId='acme')}/hardening/boom", headers=tenant_keys.headers
    )
    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "An internal error occurred."
    assert "boom" not in response.text
    assert_security_headers(response)
    assert response.headers["ratelimit-policy"] == '"read";q=600;w=60'


async def test_a_request_past_its_deadline_is_503_with_retry_after(
    hardened: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    started = time.perf_counter()
    response = await hardened.get(
        f"{TENANT_PREFIX.format(tenantId='acme')}/hardening/slow",
        headers={**tenant_keys.headers, "Origin": ALLOWED_ORIGIN},
    )
    elapsed = time.perf_counter() - started
    error = assert_error(response, 503, "service_unavailable")
    assert error["message"] == "The request took too long; retry shortly."
    assert response.headers["retry-after"] == "5"
    assert response.headers["ratelimit-policy"] == '"read";q=600;w=60'
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert_security_headers(response)
    assert elapsed < 10


async def test_the_server_names_no_software_or_version(
    db: Database, cli_env: dict[str, str]
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "api", "--host", "127.0.0.1", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            health = await _when_listening(http)
            responses = [
                health,
                await http.get("/no/such/path"),
                await http.get("/v1/tenants/x/reports"),
            ]
    finally:
        process.terminate()
        process.wait(timeout=30)
    for response in responses:
        assert "server" not in response.headers
        assert "x-powered-by" not in response.headers
        for name, value in response.headers.items():
            for banner in ("uvicorn", "python", "starlette", "fastapi"):
                assert banner not in f"{name}: {value}".lower()


async def _when_listening(http: httpx.AsyncClient) -> httpx.Response:
    async with asyncio.timeout(20):
        while True:
            try:
                return await http.get("/health")
            except httpx.TransportError:
                await asyncio.sleep(0.1)
