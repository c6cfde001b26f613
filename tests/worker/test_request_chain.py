"""CONTRACT.md §14 through a real worker process and receiver: a delivery carries the request id
of the API request that caused its event, and a disabled endpoint gets skipped deliveries that
are never sent."""

from __future__ import annotations

import asyncio
import uuid

from app.core.config import Settings
from db.models.webhook_delivery import WebhookDelivery
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_endpoint
from tests.receiver import Answer, Receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import all_deliveries
from tests.worker.process import running_workers, worker_env

ENDPOINT = "/v1/tenants/acme/webhook-endpoints/{}"


async def settled(
    db: Database, endpoint_id: uuid.UUID, count: int, status: str, timeout: float = 60
) -> list[WebhookDelivery]:
    """The endpoint's deliveries once `count` of them exist and all have `status`."""
    async with asyncio.timeout(timeout):
        while True:
            rows = [row for row in await all_deliveries(db) if row.endpoint_id == endpoint_id]
            if len(rows) >= count and all(row.status == status for row in rows):
                return rows
            await asyncio.sleep(0.1)


async def test_receiver_sees_the_request_id_of_the_batch_that_caused_the_event(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    url = receiver.script("/hook", Answer(200))
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, url)
    with running_workers(worker_env(cli_env)) as [worker]:
        async with serve(settings) as api:
            response = await api.post(
                REPORTS.format("acme"),
                json=batch(item("a", publishedAt="2026-01-01T00:00:00Z")),
                headers={
                    **tenant_keys.headers,
                    "X-Request-Id": "req-to-receiver",
                    "Idempotency-Key": "k-1",
                },
            )
            assert response.status_code == 200
            requests = await receiver.wait_for("/hook", 2)
        rows = await settled(db, endpoint.id, 2, "delivered")
        assert await worker.terminate() == 0, worker.output()
    assert [r.headers["x-request-id"] for r in requests] == ["req-to-receiver"] * 2
    report_id = response.json()["data"][0]["report"]["id"]
    assert {(row.request_id, str(row.resource_id)) for row in rows} == {
        ("req-to-receiver", report_id)
    }


async def test_disabled_endpoint_gets_skipped_deliveries_and_its_receiver_nothing(
    db: Database, settings: Settings, tenant_keys: Keys, receiver: Receiver, cli_env: dict[str, str]
) -> None:
    live_url = receiver.script("/live", Answer(200))
    off_url = receiver.script("/off", Answer(200))
    live, _ = await make_endpoint(db, settings, tenant_keys.tenant, live_url)
    off, _ = await make_endpoint(db, settings, tenant_keys.tenant, off_url)
    with running_workers(worker_env(cli_env)) as [worker]:
        async with serve(settings) as api:
            disabled = await api.patch(
                ENDPOINT.format(off.id), json={"enabled": False}, headers=tenant_keys.headers
            )
            assert disabled.status_code == 200, disabled.text
            response = await api.post(
                REPORTS.format("acme"),
                json=batch(item("a"), item("b")),
                headers={**tenant_keys.headers, "X-Request-Id": "req-while-off"},
            )
            assert response.status_code == 200
            await receiver.wait_for("/live", 2)
            await settled(db, live.id, 2, "delivered")
            skipped = await settled(db, off.id, 2, "skipped")
            log = await api.get(
                f"{ENDPOINT.format(off.id)}/deliveries",
                params={"status": "skipped"},
                headers=tenant_keys.headers,
            )
            chain = await api.get(
                "/v1/tenants/acme/webhook-deliveries",
                params={"requestId": "req-while-off", "status": "skipped"},
                headers=tenant_keys.headers,
            )
        # Give the worker time to (wrongly) send anything it might: it sent only to /live.
        await asyncio.sleep(1)
        assert await worker.terminate() == 0, worker.output()
    assert receiver.at("/off") == []
    assert len(receiver.at("/live")) == 2
    for row in skipped:
        assert (row.attempts, row.next_attempt_at, row.last_error) == (0, None, "endpoint disabled")
    assert log.status_code == 200
    assert {entry["id"] for entry in log.json()["data"]} == {str(row.id) for row in skipped}
    assert {entry["status"] for entry in log.json()["data"]} == {"skipped"}
    assert chain.status_code == 200
    assert {entry["id"] for entry in chain.json()["data"]} == {str(row.id) for row in skipped}
