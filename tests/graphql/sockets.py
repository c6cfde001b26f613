"""GraphQL subscriptions over graphql-transport-ws in tests: real WebSockets to a live server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import websockets
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection


async def connect(base_url: str, tenant: str, authorization: str | None) -> ClientConnection:
    url = base_url.replace("http://", "ws://") + f"/v1/tenants/{tenant}/graphql"
    socket = await websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
    )
    payload = {"authorization": authorization} if authorization else {}
    await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket


async def receive(socket: ClientConnection, timeout: float = 30) -> dict[str, Any]:
    """The next message; a message that never comes fails the test instead of hanging it."""
    async with asyncio.timeout(timeout):
        message: dict[str, Any] = json.loads(await socket.recv(decode=True))
    return message


async def send_subscribe(
    socket: ClientConnection, query: str, variables: dict[str, Any] | None = None
) -> None:
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
    )


@asynccontextmanager
async def subscribed(
    base_url: str, tenant: str, key: str, query: str, variables: dict[str, Any] | None = None
) -> AsyncIterator[ClientConnection]:
    """A socket acknowledged and subscribed to `query` (whose first message is still to come)."""
    socket = await connect(base_url, tenant, f"Bearer {key}")
    try:
        assert (await receive(socket))["type"] == "connection_ack"
        await send_subscribe(socket, query, variables)
        yield socket
    finally:
        await socket.close()


async def wait_listening(redis: Redis, channel: str, timeout: float = 30) -> None:
    """Wait until the server listens on `channel` (a subscription with no first message)."""
    async with asyncio.timeout(timeout):
        while True:
            [(_, count)] = await redis.pubsub_numsub(channel)
            if count >= 1:
                return
            await asyncio.sleep(0.02)


async def collect(
    socket: ClientConnection,
    field: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 60,
) -> list[dict[str, Any]]:
    """The `next` payloads of `field` received until `done` holds for them."""
    received: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        while not done(received):
            message = await receive(socket, timeout)
            assert message["type"] == "next", message
            received.append(message["payload"]["data"][field])
    return received


async def quiet_for(socket: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    """Every message received within `seconds` (none, when the stream stays quiet)."""
    messages: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                messages.append(json.loads(await socket.recv(decode=True)))
    except TimeoutError:
        return messages
