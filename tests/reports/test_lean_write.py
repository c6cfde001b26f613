"""POST /reports served lean answers as FastAPI's dependencies do, in the contract's §1 order."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import Response

from app.api.lean_route import LeanRoute, served_lean
from app.core.config import Settings
from app.reports.routes import upsert_reports
from db.session import Database
from tests.asgi import runtime_of
from tests.factories import Keys, bearer, make_key, make_tenant
from tests.rate_limit.helpers import limited_client
from tests.reports.helpers import REPORTS, batch, item

URL = REPORTS.format("acme")
BODY = json.dumps(batch(item("a", content={"x": 1}))).encode()
JSON = {"Content-Type": "application/json"}
# Fields that differ between any two responses, whichever path served them.
VARYING = {"date", "x-request-id", "x-correlation-id", "ratelimit", "retry-after"}
Send = Callable[[], Awaitable[httpx.Response]]


async def both_ways(monkeypatch: pytest.MonkeyPatch, send: Send) -> list[httpx.Response]:
    """The response served lean (it answered or raised, never declined), then the one FastAPI's
    handler gives."""
    lean_handler = upsert_reports.lean_handler  # type: ignore[attr-defined]
    served: list[Request] = []

    async def spy(request: Request) -> Response | None:
        served.append(request)
        response: Response | None = await lean_handler(request)
        assert response is not None, "the lean handler declined the request"
        return response

    monkeypatch.setattr(upsert_reports, "lean_handler", spy)
    lean = await send()
    assert served, "the lean handler did not see the request"
    monkeypatch.delattr(upsert_reports, "lean_handler")
    solved = await send()
    assert len(served) == 1
    monkeypatch.undo()
    return [lean, solved]


def assert_same(lean: httpx.Response, solved: httpx.Response, status: int) -> None:
    assert lean.status_code == solved.status_code == status, (lean.text, solved.text)
    lean_headers = {k: v for k, v in lean.headers.items() if k not in VARYING}
    assert lean_headers == {k: v for k, v in solved.headers.items() if k not in VARYING}
    for response in (lean, solved):
        assert VARYING & set(response.headers) == VARYING & set(lean.headers)
    assert _without_request_id(lean) == _without_request_id(solved)


def _without_request_id(response: httpx.Response) -> bytes:
    return response.content.replace(response.headers["x-request-id"].encode(), b"<id>")


@pytest.mark.parametrize(
    ("headers", "content", "status", "code"),
    [
        ({}, b"x" * 1_048_577, 413, "payload_too_large"),
        ({"Authorization": ""}, BODY, 401, "unauthenticated"),
        ({"Authorization": "Bearer afk_nope_nope"}, BODY, 401, "unauthenticated"),
        ({"Content-Type": "text/plain"}, BODY, 415, "unsupported_media_type"),
        ({"Content-Type": "application/json; charset=latin-1"}, BODY, 415, None),
        ({}, b"{", 400, "invalid_json"),
        ({}, b"", 400, "invalid_json"),
        ({"Content-Type": "text/plain"}, b"", 400, "invalid_json"),
        ({"Idempotency-Key": ""}, BODY, 400, "invalid_idempotency_key"),
        ({"Idempotency-Key": '"unterminated'}, b"[" * 300 + b"]" * 300, 400, None),
        ({"Idempotency-Key": "k"}, b"[" * 300 + b"]" * 300, 422, "validation_error"),
        ({}, b'{"reports": [{"slug": "A B"}]}', 422, "validation_error"),
        ({}, b'{"reports": [], "extra": 1}', 422, None),
        ({}, b"null", 422, None),
    ],
)
async def test_each_refusal_is_the_same_either_way(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    monkeypatch: pytest.MonkeyPatch,
    headers: dict[str, str],
    content: bytes,
    status: int,
    code: str | None,
) -> None:
    sent = {**tenant_keys.headers, **JSON, **headers}
    lean, solved = await both_ways(
        monkeypatch, lambda: client.post(URL, content=content, headers=sent)
    )
    assert_same(lean, solved, status)
    if code is not None:
        assert lean.json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("holder", "code"), [("other tenant", "tenant_forbidden"), ("reader", "insufficient_scope")]
)
async def test_tenant_and_scope_refusals_are_the_same_either_way(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    holder: str,
    code: str,
) -> None:
    if holder == "reader":
        key = await make_key(db, settings, tenant_keys.tenant, scopes=["reports:read"])
    else:
        key = tenant_keys.other_key
    sent = {**bearer(key), **JSON}
    lean, solved = await both_ways(
        monkeypatch, lambda: client.post(URL, content=BODY, headers=sent)
    )
    assert_same(lean, solved, 403)
    assert lean.json()["error"]["code"] == code


async def test_a_rate_limited_write_is_refused_the_same_either_way(
    database_url: str, redis_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with limited_client(database_url, redis_url, rate_limit_write_per_minute=1) as client:
        settings = runtime_of(client).settings
        tenant = await make_tenant(db, slug="acme")
        sent = {**bearer(await make_key(db, settings, tenant)), **JSON}
        assert (await client.post(URL, content=BODY, headers=sent)).status_code == 200
        lean, solved = await both_ways(
            monkeypatch, lambda: client.post(URL, content=BODY, headers=sent)
        )
    assert_same(lean, solved, 429)
    assert lean.json()["error"]["code"] == "rate_limited"


async def test_a_replay_is_the_same_either_way(
    client: httpx.AsyncClient, tenant_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = {**tenant_keys.headers, **JSON, "Idempotency-Key": "k-1"}
    first = await client.post(URL, content=BODY, headers=sent)
    assert first.json()["summary"]["created"] == 1
    lean, solved = await both_ways(
        monkeypatch, lambda: client.post(URL, content=BODY, headers=sent)
    )
    assert_same(lean, solved, 200)
    assert lean.content == first.content
    assert lean.headers["idempotent-replayed"] == "true"


async def test_a_post_left_to_fastapi_gets_the_body_the_lean_handler_read() -> None:
    async def decline(request: Request) -> Response | None:
        assert await request.body() == b"payload"
        return None

    router = APIRouter(route_class=LeanRoute)

    @router.post("/echo")
    @served_lean(decline)
    async def echo(request: Request) -> Response:
        return Response(await request.body())

    app = FastAPI()
    app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post("/echo", content=b"payload")
    assert response.content == b"payload"
