"""The bench's baselines do the product's work, and its table says what it measured.

Speed is never asserted here: these tests check that each baseline of `make bench` reads or
writes what the product does for the same request, so a ratio compares like with like.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from sqlalchemy import select

from app.api import deps
from db.models.outbox_event import OutboxEvent
from db.session import Database
from tests.benchmarks import floor_list, sink
from tests.benchmarks.api_variant import RATE_LIMIT_STEP, rate_limit_step
from tests.benchmarks.table import Better, Row, Target
from tests.benchmarks.upsert_floor import upsert
from tests.benchmarks.workload import batch_body, report
from tests.factories import Keys
from tests.live import free_port


@pytest.fixture
def plain_url(database_url: str) -> str:
    return database_url.replace("+asyncpg", "")


async def _events(db: Database, tenant_id: uuid.UUID) -> list[OutboxEvent]:
    async with db.unit_of_work() as session:
        rows = await session.scalars(select(OutboxEvent).where(OutboxEvent.tenant_id == tenant_id))
        return list(rows)


async def test_upsert_baseline_writes_the_products_rows_and_events(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, plain_url: str
) -> None:
    items = [report(index, prefix="bench") for index in range(20)]  # 2 drafts
    response = await client.post(
        f"/v1/tenants/{tenant_keys.tenant.id}/reports",
        content=batch_body(items),
        headers={**tenant_keys.headers, "content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    connection = await asyncpg.connect(plain_url)
    try:
        assert await upsert(connection, tenant_keys.other_tenant.id, items) == 20
        assert await upsert(connection, tenant_keys.other_tenant.id, items) == 0  # unchanged
    finally:
        await connection.close()

    product = await _events(db, tenant_keys.tenant.id)
    floor = await _events(db, tenant_keys.other_tenant.id)
    assert Counter(e.event_type for e in floor) == Counter(e.event_type for e in product)
    assert Counter(e.event_type for e in floor) == {"report.created": 20, "report.published": 18}
    assert {frozenset(e.payload) for e in floor} == {frozenset(e.payload) for e in product}


@pytest.fixture
async def floor_client(plain_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = floor_list.app(plain_url)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://floor") as http:
            yield http


async def test_list_baseline_serves_the_products_pages(
    client: httpx.AsyncClient, floor_client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    path = f"/v1/tenants/{tenant_keys.tenant.id}/reports"
    items = [report(index) for index in range(30)]  # 27 published
    written = await client.post(
        path,
        content=batch_body(items),
        headers={**tenant_keys.headers, "content-type": "application/json"},
    )
    assert written.status_code == 200, written.text

    async def pages(http: httpx.AsyncClient, headers: dict[str, str]) -> list[list[str]]:
        found, cursor = [], None
        while True:
            params = {"limit": "10", **({"cursor": cursor} if cursor else {})}
            answer = await http.get(path, params=params, headers=headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            found.append([entry["id"] for entry in body["data"]])
            if not (cursor := body["nextCursor"]):
                return found

    product = await pages(client, tenant_keys.headers)
    assert [len(page) for page in product] == [10, 10, 7]
    assert await pages(floor_client, {}) == product


async def test_sink_records_each_delivery_once_by_webhook_id() -> None:
    port = free_port()
    task = asyncio.create_task(sink.serve(port))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(100):  # until it listens
                try:
                    await http.get("/_reset")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
            body = b'{"type": "report.created", "data": {"slug": "q3"}}'
            for hook_id in ("msg_1", "msg_1", "msg_2"):
                answer = await http.post("/hook", content=body, headers={"webhook-id": hook_id})
                assert answer.status_code == 200
            assert (await http.get("/_stats")).json() == {"total": 3, "unique": 2}
            dump = (await http.get("/_dump")).json()
            assert [record[:3] for record in dump] == [["/hook", "msg_1", "q3"]] * 2 + [
                ["/hook", "msg_2", "q3"]
            ]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_the_no_limit_variant_replaces_a_step_the_api_has() -> None:
    assert callable(getattr(deps, RATE_LIMIT_STEP))


async def test_the_bare_evalsha_step_counts_in_redis(
    redis: Redis, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    step = rate_limit_step("evalsha")
    assert step is not None
    await step()
    await step()
    counters = [key async for key in redis.scan_iter("bench:rl-in-request:*")]
    counts = [int(await redis.get(key) or 0) for key in counters]
    assert sum(counts) == 2


def test_rows_meet_ratio_and_absolute_targets() -> None:
    faster = Target(0.5, Better.HIGHER)
    assert Row("rest", "req/s", 600, 1000, faster).meets is True
    assert Row("rest", "req/s", 400, 1000, faster).meets is False
    assert Row("upsert", "ms", 30, 10, Target(3, Better.LOWER)).ratio == 3
    assert Row("upsert", "ms", 30, 10, Target(3, Better.LOWER)).meets is True
    bound = Target(200, Better.LOWER, of_ratio=False)
    assert Row("rss", "MiB", 150, 100, bound).meets is True
    assert Row("rss", "MiB", 150, 100, bound, holds=False).meets is False
    assert Row("queue", "msgs/s", None, 1500).meets is None
