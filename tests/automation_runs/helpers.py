"""Shared pieces of the automation run tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from sqlalchemy import select

from app.core.config import DEV_ACTIVEPIECES_WEBHOOK_SECRET
from app.webhooks.signing import signed_headers
from db.models.automation_run import AutomationRun
from db.session import Database
from tests.factories import Keys

RUNS = "/v1/tenants/{}/automation-runs"
CALLBACK = "/v1/tenants/{}/webhooks/activepieces"


async def wait_for_status(
    http: httpx.AsyncClient,
    url: str,
    status: str,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> dict[str, Any]:
    """Poll the run at `url` until it has `status`; its representation then."""
    async with asyncio.timeout(timeout):
        while True:
            run: dict[str, Any] = (await http.get(url, headers=headers)).json()["data"]
            if run["status"] == status:
                return run
            await asyncio.sleep(0.1)


async def create_run(client: httpx.AsyncClient, keys: Keys, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        RUNS.format("acme"), json={"flowId": "flow_1", **fields}, headers=keys.headers
    )
    assert response.status_code == 202, response.text
    run: dict[str, Any] = response.json()["data"]
    return run


async def send_callback(
    client: httpx.AsyncClient,
    tenant: str,
    callback: dict[str, Any],
    *,
    secret: str = DEV_ACTIVEPIECES_WEBHOOK_SECRET,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = json.dumps(callback)
    signed = signed_headers(secret, body, message_id=message_id)
    return await client.post(
        CALLBACK.format(tenant), content=body, headers={**signed, **(headers or {})}
    )


async def runs_in_db(db: Database) -> list[AutomationRun]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(AutomationRun)))
