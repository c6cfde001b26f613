"""Redis down: a task that cannot be enqueued is one warning and a counted failure, never an
error; the API keeps serving writes and every part of the sweep still runs (PostgreSQL holds the
work)."""

from __future__ import annotations

import asyncio
import gc
import io
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from app.bootstrap import Runtime
from app.core.fleet_metrics import ProcessIdentity, Publisher
from app.core.metrics import registry
from app.core.queue import DELIVER_WEBHOOK, DISPATCH_RUN, RELAY_OUTBOX, TaskQueue, create_broker
from app.core.time import utc_now
from app.webhooks.sender import create_http_client
from db.models.automation_run import AutomationRun
from db.models.idempotency_key import IdempotencyKey
from db.session import Database
from jobs.state import WorkerState
from jobs.sweeper import sweep_once
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys, make_endpoint
from tests.logs import parsed
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.helpers import delivery_settings, record_event, relay
from tests.worker.process import own_redis


def errors(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in parsed(stream) if line["level"] in {"ERROR", "CRITICAL"}]


def enqueue_warnings(stream: io.StringIO, task: str) -> list[dict[str, Any]]:
    return [
        line
        for line in parsed(stream)
        if line["level"] == "WARNING" and line["message"].startswith(f"could not enqueue {task} ")
    ]


def enqueue_failures(task: str) -> float:
    value = registry.get_sample_value("aetherflow_task_enqueue_failures_total", {"task": task})
    return value or 0.0


async def test_kick_while_redis_is_down_is_one_warning_and_counted(
    log_lines: io.StringIO,
) -> None:
    with own_redis() as server:
        queue = TaskQueue(create_broker(server.url))
        await queue.start()
        server.stop()
        before = enqueue_failures(DELIVER_WEBHOOK)
        try:
            assert await queue.kick(DELIVER_WEBHOOK, str(uuid.uuid4())) is False
        finally:
            await queue.broker.shutdown()
    assert enqueue_failures(DELIVER_WEBHOOK) == before + 1
    [warning] = enqueue_warnings(log_lines, DELIVER_WEBHOOK)
    assert warning["message"] == f"could not enqueue {DELIVER_WEBHOOK} (ConnectionError)"
    assert "exception" not in warning
    assert errors(log_lines) == []


async def test_a_write_while_redis_is_down_is_served_without_errors(
    db: Database, database_url: str, tenant_keys: Keys, log_lines: io.StringIO
) -> None:
    with own_redis() as server:
        settings = make_settings(database_url, server.url)
        async with serve(settings) as api:
            server.stop()
            before = enqueue_failures(RELAY_OUTBOX)
            response = await api.post(
                REPORTS.format("acme"), json=batch(item("a")), headers=tenant_keys.headers
            )
            assert response.status_code == 200, response.text
            # The relay is enqueued after the commit, in the background: wait for the outcome.
            # A task that ended with an exception nobody retrieved is reported when collected.
            async with asyncio.timeout(30):
                while enqueue_failures(RELAY_OUTBOX) == before and not errors(log_lines):
                    await asyncio.sleep(0.05)
                    gc.collect()
    gc.collect()
    assert errors(log_lines) == []
    assert enqueue_failures(RELAY_OUTBOX) == before + 1
    assert len(enqueue_warnings(log_lines, RELAY_OUTBOX)) == 1


async def test_a_sweep_with_redis_down_still_times_out_runs_and_purges_keys(
    db: Database, database_url: str, tenant_keys: Keys, log_lines: io.StringIO
) -> None:
    tenant = tenant_keys.tenant
    long_ago = utc_now() - timedelta(hours=2)
    async with db.unit_of_work() as session:
        await session.execute(
            insert(AutomationRun),
            [
                {
                    "tenant_id": tenant.id,
                    "flow_id": "f",
                    "provider": "activepieces",
                    "status": status,
                    "correlation_id": status,
                    "input": {},
                    "started_at": long_ago if status == "running" else None,
                    "next_attempt_at": long_ago if status == "queued" else None,
                }
                for status in ("running", "queued")
            ],
        )
        await session.execute(
            insert(IdempotencyKey).values(
                tenant_id=tenant.id,
                key="old",
                fingerprint=b"f" * 32,
                response_status=200,
                response_body=b"{}",
                response_headers={},
                expires_at=long_ago,
            )
        )
    with own_redis() as server:
        settings = delivery_settings(database_url, server.url, automation_run_timeout_seconds=60)
        await make_endpoint(db, settings, tenant, "http://127.0.0.1:9/hook")
        for _ in range(3):
            await record_event(db, tenant)
        assert len(await relay(db)) == 3  # three deliveries due
        runtime = await Runtime.start(settings, broker=create_broker(server.url))
        worker = WorkerState(
            runtime=runtime,
            http=create_http_client(),
            metrics_publisher=Publisher(runtime.redis, ProcessIdentity.of_this_process("worker")),
        )
        server.stop()
        try:
            await sweep_once(worker)
        finally:
            await worker.http.aclose()
            await runtime.close()
            await runtime.queue.broker.shutdown()
    async with db.unit_of_work() as session:
        rows = await session.execute(select(AutomationRun.correlation_id, AutomationRun.status))
        statuses = dict(rows.all())
        keys = list(await session.scalars(select(IdempotencyKey.key)))
    assert statuses == {"running": "timed_out", "queued": "queued"}
    assert keys == []
    # One warning per part that enqueues, not one per due row.
    assert len(enqueue_warnings(log_lines, DELIVER_WEBHOOK)) == 1
    assert len(enqueue_warnings(log_lines, DISPATCH_RUN)) == 1
    assert errors(log_lines) == []
