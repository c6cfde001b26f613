"""CONTRACT.md §1: ids, the error envelope, and the order in which checks answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.api.probe import mount_probe
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import UNKNOWN_ID, Keys, bearer, make_key

GOOD_BODY = {"probeItems": [{"displayName": "x"}]}


@pytest.fixture
async def probe(settings: Settings, db: object) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(settings, customize=mount_probe) as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["requestId"] == response.headers["x-request-id"]
    assert isinstance(error["message"], str)
    assert error["message"]
    return dict(error)


async def assert_only_the_canonical_form_names(
    client: httpx.AsyncClient, collection: str, item_id: str, headers: dict[str, str]
) -> None:
    """`collection/<id>` answers for the canonical UUID in either case and 404 for every other
    spelling of it (braces, bare hex, `urn:uuid:`)."""
    upper = await client.get(f"{collection}/{item_id.upper()}", headers=headers)
    assert upper.status_code == 200
    assert upper.json()["data"]["id"] == item_id
    for variant in (f"{{{item_id}}}", item_id.replace("-", ""), f"urn:uuid:{item_id}"):
        assert_error(await client.get(f"{collection}/{variant}", headers=headers), 404, "not_found")


async def test_client_request_id_is_reused(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-Id": "req-1.a:b_c"})
    assert response.headers["x-request-id"] == "req-1.a:b_c"
    assert response.headers["x-correlation-id"] == "req-1.a:b_c"


@pytest.mark.parametrize("sent", ["", "has space", "x" * 129, "bad/slash", "ünï"])
async def test_malformed_request_id_is_replaced(client: httpx.AsyncClient, sent: str) -> None:
    response = await client.get("/health", headers=[(b"X-Request-Id", sent.encode())])
    generated = response.headers["x-request-id"]
    assert generated != sent
    assert len(generated) == 36


async def test_correlation_id_is_echoed_separately(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/health", headers={"X-Request-Id": "r1", "X-Correlation-Id": "flow-7"}
    )
    assert response.headers["x-request-id"] == "r1"
    assert response.headers["x-correlation-id"] == "flow-7"
    replaced = await client.get("/health", headers={"X-Correlation-Id": "no spaces allowed"})
    assert replaced.headers["x-correlation-id"] == replaced.headers["x-request-id"]


async def test_unknown_route_is_enveloped_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here", headers={"X-Request-Id": "abc"})
    error = assert_error(response, 404, "not_found")
    assert error["requestId"] == "abc"


async def test_trailing_slash_is_not_redirected(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/health/"), 404, "not_found")


async def test_wrong_method_is_enveloped_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"


# FastAPI makes one route per method; `Allow` names the methods of all of them, in one order.
ALLOW_BY_REQUEST = [
    ("PUT", "/v1/tenants/acme/reports", "GET, POST"),
    ("DELETE", "/v1/tenants/acme/automation-runs", "GET, POST"),
    ("PUT", "/v1/tenants/acme/webhook-endpoints", "GET, POST"),
    ("POST", f"/v1/tenants/acme/webhook-endpoints/{UNKNOWN_ID}", "GET, PATCH, DELETE"),
    ("PUT", "/v1/tenants/acme/webhook-endpoints/not-a-uuid", "GET, PATCH, DELETE"),
    ("PUT", "/v1/tenants/acme/graphql", "GET, POST"),
    # Matched by both `/latest` and `/{slug}`: each method once.
    ("POST", "/v1/tenants/acme/reports/latest", "GET"),
]


@pytest.mark.parametrize(("method", "path", "allow"), ALLOW_BY_REQUEST)
async def test_405_allow_lists_every_method_the_path_serves(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allow
    for listed in allow.split(", "):
        assert (await client.request(listed, path)).status_code != 405, listed


@pytest.mark.parametrize(("method", "path", "allow"), ALLOW_BY_REQUEST)
async def test_405_answers_before_size_authentication_and_tenant(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    """Unknown route / wrong method is the contract's first check."""
    response = await client.request(
        method,
        path.replace("/acme/", "/not-a-tenant/"),
        content=b"{" + b" " * 1_048_576 + b"}",
        headers={"content-type": "text/plain", "Authorization": "Bearer afk_nope"},
    )
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allow


async def test_body_over_limit_is_413_before_authentication(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    big = b"{" + b" " * (1_048_576) + b"}"
    response = await probe.post(
        "/v1/tenants/acme/probe", content=big, headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")


async def test_chunked_body_over_limit_is_413(probe: httpx.AsyncClient, tenant_keys: Keys) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" " * 32_768

    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=chunks(),
        headers={"content-type": "application/json", **tenant_keys.headers},
    )
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "payload_too_large")


async def test_body_at_limit_is_read(database_url: str, redis_url: str, db: object) -> None:
    settings = make_settings(database_url, redis_url, max_body_bytes=2048)
    body = json.dumps(GOOD_BODY).encode()
    body += b" " * (2048 - len(body))
    async with serve(settings, customize=mount_probe) as probe:
        keys = await _acme_key(settings, db)
        ok = await probe.post(
            "/v1/tenants/acme/probe",
            content=body,
            headers={"content-type": "application/json", **keys},
        )
        too_big = await probe.post(
            "/v1/tenants/acme/probe",
            content=body + b" ",
            headers={"content-type": "application/json", **keys},
        )
    assert ok.status_code == 200, ok.text
    assert_error(too_big, 413, "payload_too_large")


async def _acme_key(settings: Settings, db: object) -> dict[str, str]:
    from db.session import Database
    from tests.factories import make_tenant

    assert isinstance(db, Database)
    tenant = await make_tenant(db, slug="acme")
    return bearer(await make_key(db, settings, tenant))


async def test_wrong_media_type_is_415_after_auth(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    unauthenticated = await probe.post(
        "/v1/tenants/acme/probe", content=b"a=1", headers={"content-type": "text/plain"}
    )
    assert_error(unauthenticated, 401, "unauthenticated")
    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=b"a=1",
        headers={"content-type": "application/x-www-form-urlencoded", **tenant_keys.headers},
    )
    assert_error(response, 415, "unsupported_media_type")
    missing_type = await probe.post(
        "/v1/tenants/acme/probe", content=b"{}", headers=tenant_keys.headers
    )
    assert_error(missing_type, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1,]", b"NaN", b'{"a": Infinity}', b'{"a": 1e400}', b"[" * 100_000, b"\xff\xfe", b""],
)
async def test_unparseable_body_is_400_invalid_json(
    probe: httpx.AsyncClient, tenant_keys: Keys, body: bytes
) -> None:
    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=body,
        headers={"content-type": "application/json", **tenant_keys.headers},
    )
    assert_error(response, 400, "invalid_json")


async def test_json_with_charset_parameter_is_accepted(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=json.dumps(GOOD_BODY),
        headers={"content-type": "application/json; charset=utf-8", **tenant_keys.headers},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"tenantId": str(tenant_keys.tenant.id), "count": 1}}


async def test_validation_error_lists_camel_case_paths(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await probe.post(
        "/v1/tenants/acme/probe",
        json={"probeItems": [{"displayName": "ok"}, {"displayName": ""}, {}], "extra": 1},
        headers=tenant_keys.headers,
    )
    error = assert_error(response, 422, "validation_error")
    paths = {detail["path"] for detail in error["details"]}
    assert paths == {"probeItems.1.displayName", "probeItems.2.displayName", "extra"}


async def test_nul_character_is_a_validation_error(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await probe.post(
        "/v1/tenants/acme/probe",
        json={"probeItems": [{"displayName": "a\u0000b"}]},
        headers=tenant_keys.headers,
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [
        {"path": "probeItems.0.displayName", "message": "text must not contain the NUL character"}
    ]


async def test_unexpected_error_is_500_and_leaks_nothing(
    probe: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    response = await probe.get("/v1/tenants/acme/probe/boom", headers=tenant_keys.headers)
    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "An internal error occurred."
    assert error["details"] is None
    for leaked in ("SELECT", "api_keys", "afk_", "Traceback", "RuntimeError"):
        assert leaked not in response.text


async def test_database_down_is_503_with_retry_after(
    redis_url: str, tenant_keys: Keys, settings: Settings
) -> None:
    down = make_settings("postgresql+asyncpg://postgres@127.0.0.1:1/none", redis_url)
    async with serve(down, customize=mount_probe) as probe:
        response = await probe.get("/v1/tenants/acme/probe/database", headers=tenant_keys.headers)
    assert_error(response, 503, "service_unavailable")
    assert response.headers["retry-after"] == "5"


async def test_check_order_scope_before_media_type_before_json(
    probe: httpx.AsyncClient, tenant_keys: Keys, settings: Settings, db: object
) -> None:
    from db.session import Database

    assert isinstance(db, Database)
    reader = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    response = await probe.post(
        "/v1/tenants/globex/probe",
        content=b"{",
        headers={"content-type": "text/plain", **bearer(reader)},
    )
    assert_error(response, 403, "tenant_forbidden")
    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=b"{",
        headers={"content-type": "text/plain", **bearer(reader)},
    )
    assert_error(response, 403, "insufficient_scope")
    response = await probe.post(
        "/v1/tenants/acme/probe",
        content=b"{",
        headers={"content-type": "text/plain", **tenant_keys.headers},
    )
    assert_error(response, 415, "unsupported_media_type")
