"""REST steps of the webhook browser tests: an endpoint on the stack's receiver, reports that
cause events, and waiting until the worker has settled their deliveries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from tests.console.stack import ConsoleStack, TenantAccess

SETTLE_SECONDS = 60.0
POLL_SECONDS = 0.2

Delivery = dict[str, Any]


async def create_endpoint(stack: ConsoleStack, tenant: TenantAccess, path: str) -> str:
    """An endpoint for every event type, POSTing to `path` of the stack's receiver; its id."""
    async with stack.client(tenant) as api:
        created = await api.post(
            f"/v1/tenants/{tenant.slug}/webhook-endpoints",
            json={"url": stack.receiver.url(path)},
        )
    assert created.status_code == 201, created.text
    endpoint_id: str = created.json()["data"]["id"]
    return endpoint_id


async def upsert_reports(
    stack: ConsoleStack, tenant: TenantAccess, *reports: dict[str, Any]
) -> str:
    """Upsert reports through REST (each causes a `report.*` event); the request's id."""
    async with stack.client(tenant) as api:
        upserted = await api.post(
            f"/v1/tenants/{tenant.slug}/reports", json={"reports": list(reports)}
        )
    assert upserted.status_code == 200, upserted.text
    return upserted.headers["X-Request-Id"]


async def deliveries(stack: ConsoleStack, tenant: TenantAccess) -> list[Delivery]:
    async with stack.client(tenant) as api:
        listed = await api.get(
            f"/v1/tenants/{tenant.slug}/webhook-deliveries", params={"limit": 100}
        )
    assert listed.status_code == 200, listed.text
    found: list[Delivery] = listed.json()["data"]
    return found


async def settled(
    stack: ConsoleStack, tenant: TenantAccess, done: Callable[[list[Delivery]], bool]
) -> list[Delivery]:
    """The tenant's deliveries once `done` holds for them (the worker sends in the background)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while not done(found := await deliveries(stack, tenant)):
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries did not settle: {found}\n{stack.logs()}")
        await asyncio.sleep(POLL_SECONDS)
    return found


def all_finished(count: int) -> Callable[[list[Delivery]], bool]:
    """`count` deliveries, none of them pending any more."""
    return lambda found: len(found) == count and all(d["status"] != "pending" for d in found)
