"""CONTRACT.md §15: a session token authenticates a GraphQL WebSocket (`connection_init`), and
the handshake's Origin must be one the token allows; refusals close the socket with 4403."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from app.core.config import Settings
from db.session import Database
from tests.conftest import make_settings
from tests.factories import Keys, bearer
from tests.graphql.sockets import receive
from tests.live import free_port, live_server
from tests.sessions.helpers import APP_ORIGIN, session_body, sessions_path

RUNS = "/v1/tenants/{}/automation-runs"


@pytest.fixture
async def server(database_url: str, redis_url: str, db: Database) -> AsyncIterator[str]:
    port = free_port()
    settings: Settings = make_settings(
        database_url,
        redis_url,
        public_base_url=f"http://127.0.0.1:{port}",
        cors_allowed_origins=f"{APP_ORIGIN},https://evil.example.com",
    )
    async with live_server(settings, port=port) as base_url:
        yield base_url


async def connect(
    base_url: str, tenant: str, token: str, origin: str | None = APP_ORIGIN
) -> ClientConnection:
    url = base_url.replace("http://", "ws://") + f"/v1/tenants/{tenant}/graphql"
    socket = await websockets.connect(
        url,
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
        origin=websockets.Origin(origin) if origin else None,
    )
    payload = {"authorization": f"Bearer {token}"}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket


async def _mint(base_url: str, key: str, tenant: str = "acme", **changes: object) -> str:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post(
            sessions_path(tenant), json=session_body(**changes), headers=bearer(key)
        )
    assert response.status_code == 201, response.text
    token: str = response.json()["data"]["token"]
    return token


async def test_a_token_subscribes_to_a_run(server: str, tenant_keys: Keys) -> None:
    token = await _mint(server, tenant_keys.key)
    async with httpx.AsyncClient(base_url=server) as http:
        run = await http.post(
            RUNS.format("acme"), json={"flowId": "f"}, headers=tenant_keys.headers
        )
    run_id = run.json()["data"]["id"]
    socket = await connect(server, "acme", token)
    try:
        assert (await receive(socket))["type"] == "connection_ack"
        query = "subscription($id: ID!) { automationRunUpdated(id: $id) { id status } }"
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"id": run_id}},
                }
            )
        )
        first = await receive(socket)
    finally:
        await socket.close()
    assert first["type"] == "next", first
    assert first["payload"]["data"]["automationRunUpdated"]["id"] == run_id


@pytest.mark.parametrize(
    "case", ["foreign origin", "other tenant", "revoked", "forged", "missing scope"]
)
async def test_refused_tokens_close_the_socket_with_4403(
    server: str, tenant_keys: Keys, case: str
) -> None:
    token = await _mint(server, tenant_keys.key)
    tenant, origin = "acme", APP_ORIGIN
    if case == "foreign origin":
        origin = "https://evil.example.com"
    elif case == "other tenant":
        token = await _mint(server, tenant_keys.other_key, tenant="globex")
    elif case == "revoked":
        session_id = jwt.decode(token, options={"verify_signature": False})["jti"]
        async with httpx.AsyncClient(base_url=server) as http:
            deleted = await http.delete(
                f"{sessions_path()}/{session_id}", headers=tenant_keys.headers
            )
        assert deleted.status_code == 204
    elif case == "forged":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif case == "missing scope":
        token = await _mint(server, tenant_keys.key, scopes=["reports:read"])
    socket = await connect(server, tenant, token, origin)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await receive(socket)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
