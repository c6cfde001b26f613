"""What a change needs after its commit (an enqueue, a publish) is started the same way in every
process: the API, the worker and the CLI wire each after-commit signal to the same handler."""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from sqlalchemy import insert

import app
from app.automation_runs import live
from app.automation_runs.live import RunChanged
from app.automation_runs.transitions import DispatchDue
from app.bootstrap import Runtime, cli_database
from app.core.config import Settings
from app.core.queue import (
    DELIVER_WEBHOOK,
    DISPATCH_RUN,
    RECOVER_WEBHOOKS,
    RELAY_OUTBOX,
    STREAM,
    create_broker,
)
from app.outbox.relay import DeliveriesRelayed, RelayedDelivery
from app.outbox.service import EventsRecorded
from app.sessions.revocations import SESSION_CHANNEL, SessionRevoked
from app.tenants import revocations
from app.tenants.revocations import KeyRevoked
from app.webhooks.live import DeliveryChanged, relayed_changes, representation
from app.webhooks.live import channel as delivery_channel
from app.webhooks.recovery import RecoveryStarted
from app.webhooks.repository import DeliveryLogEntry
from app.webhooks.service import DeliveryDue
from db.models.automation_run import AutomationRun
from db.models.webhook_delivery import DeliveryStatus
from db.session import AfterCommit, Database, after_commit
from tests.factories import Keys, make_delivery, make_endpoint
from tests.tenants.test_cli import ok_json

URL = "https://hooks.example.com/x"
WAIT_SECONDS = 30
TENANT_ID = uuid.uuid4()
DELIVERY_ID = uuid.uuid4()
RUN_ID = uuid.uuid4()
RECOVERY_ID = uuid.uuid4()
RUN = {"id": str(RUN_ID), "status": "queued"}
ENDPOINT_ID = uuid.uuid4()
CREATED_AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
RELAYED = RelayedDelivery(
    id=uuid.uuid4(),
    tenant_id=TENANT_ID,
    endpoint_id=ENDPOINT_ID,
    event_id=uuid.uuid4(),
    event_type="report.created",
    status="pending",
    next_attempt_at=CREATED_AT,
    last_error=None,
    resource_id=None,
    request_id=None,
    created_at=CREATED_AT,
)
RETRIED = DeliveryLogEntry(
    id=DELIVERY_ID,
    endpoint_id=ENDPOINT_ID,
    event_id=uuid.uuid4(),
    event_type="report.created",
    status=DeliveryStatus.PENDING,
    attempts=8,
    last_status_code=500,
    last_error="HTTP 500",
    next_attempt_at=CREATED_AT,
    delivered_at=None,
    resource_id=None,
    request_id="req-1",
    created_at=CREATED_AT,
)
# One of each signal type; the first test fails when a type is added without a sample here.
SAMPLES: list[AfterCommit] = [
    EventsRecorded(),
    DeliveryDue(DELIVERY_ID),
    DispatchDue(RUN_ID),
    RunChanged(TENANT_ID, RUN),
    KeyRevoked("abcd1234"),
    RecoveryStarted(RECOVERY_ID),
    SessionRevoked("5e0c2a8f-7b1d-4c36-9a4e-2f8d6b1c3e70"),
    DeliveryChanged(TENANT_ID, RETRIED),
    RELAYED_SIGNAL := DeliveriesRelayed((RELAYED,)),
]
# Both delivery changes of the commit, on their endpoint's channel, in one message.
DELIVERIES_PUBLISHED = [
    representation(RETRIED),
    *(
        representation(change.delivery)
        for change in relayed_changes([DeliveriesRelayed((RELAYED,))])
    ),
]
ENQUEUED = {
    (RELAY_OUTBOX, ()),
    (DELIVER_WEBHOOK, (str(DELIVERY_ID),)),
    (DISPATCH_RUN, (str(RUN_ID),)),
    (RECOVER_WEBHOOKS, (str(RECOVERY_ID),)),
}


async def enqueued(redis: Redis) -> set[tuple[str, tuple[str, ...]]]:
    """The tasks in the stream: (task name, arguments)."""
    entries = await redis.xrange(STREAM) or []
    messages = [json.loads(fields[b"data"]) for _, fields in entries if fields is not None]
    return {(message["task_name"], tuple(message["args"])) for message in messages}


async def next_message(pubsub: PubSub) -> str:
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                data: bytes = message["data"]
                return data.decode()


@asynccontextmanager
async def api_database(settings: Settings) -> AsyncIterator[Database]:
    runtime = await Runtime.start(settings)
    try:
        yield runtime.db
    finally:
        await runtime.close()


@asynccontextmanager
async def worker_database(settings: Settings) -> AsyncIterator[Database]:
    broker = create_broker(settings.redis_url or "")
    runtime = await Runtime.start(settings, broker=broker)
    try:
        yield runtime.db
    finally:
        await runtime.close()
        await broker.shutdown()


def cli(settings: Settings) -> AbstractAsyncContextManager[Database]:
    return cli_database(settings, on_unannounced_revocation=lambda error: None)


PROCESSES: dict[str, Callable[[Settings], AbstractAsyncContextManager[Database]]] = {
    "api": api_database,
    "worker": worker_database,
    "cli": cli,
}


def test_every_signal_type_has_a_sample() -> None:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
    assert {type(signal) for signal in SAMPLES} == set(AfterCommit.__subclasses__())


@pytest.mark.parametrize("process", sorted(PROCESSES))
async def test_every_signal_is_handled_after_the_commit_in_every_process(
    db: Database, redis: Redis, settings: Settings, process: str
) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(
        live.channel(TENANT_ID),
        revocations.CHANNEL,
        SESSION_CHANNEL,
        delivery_channel(TENANT_ID, ENDPOINT_ID),
    )
    try:
        async with PROCESSES[process](settings) as database:
            async with database.unit_of_work() as session:
                for signal in SAMPLES:
                    after_commit(session, signal)
                assert await enqueued(redis) == set()  # nothing before the commit
            published = {await next_message(pubsub) for _ in range(4)}
            async with asyncio.timeout(WAIT_SECONDS):
                while await enqueued(redis) != ENQUEUED:
                    await asyncio.sleep(0.05)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    assert published == {
        json.dumps(RUN),
        "abcd1234",
        "5e0c2a8f-7b1d-4c36-9a4e-2f8d6b1c3e70",
        json.dumps(DELIVERIES_PUBLISHED, separators=(",", ":")),
    }


async def test_nothing_is_started_when_the_transaction_rolls_back(
    db: Database, redis: Redis, settings: Settings
) -> None:
    async with cli(settings) as database:
        with pytest.raises(RuntimeError):
            await record_then_fail(database)
    assert await enqueued(redis) == set()


async def record_then_fail(database: Database) -> None:
    async with database.unit_of_work() as session:
        after_commit(session, DeliveryDue(DELIVERY_ID))
        raise RuntimeError


async def test_the_cli_enqueues_the_deliveries_and_runs_it_retries(
    db: Database, redis: Redis, settings: Settings, tenant_keys: Keys, cli_env: dict[str, str]
) -> None:
    """`dlq retry` is attempted by a worker now, not at the worker's next sweep."""
    endpoint, _ = await make_endpoint(db, settings, tenant_keys.tenant, URL)
    one = await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    other = await make_delivery(db, endpoint, tenant_keys.tenant, status="dead")
    run_id = uuid.uuid4()
    async with db.unit_of_work() as session:
        await session.execute(insert(AutomationRun).values(exhausted_run(run_id, tenant_keys)))

    ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--id", str(one))
    assert await enqueued(redis) == {(DELIVER_WEBHOOK, (str(one),))}
    await redis.delete(STREAM)
    ok_json(cli_env, "dlq", "retry", "--tenant", "acme", "--all")
    assert await enqueued(redis) == {
        (DELIVER_WEBHOOK, (str(other),)),
        (DISPATCH_RUN, (str(run_id),)),
    }


def exhausted_run(run_id: uuid.UUID, keys: Keys) -> dict[str, Any]:
    return {
        "id": run_id,
        "tenant_id": keys.tenant.id,
        "flow_id": "f",
        "provider": "activepieces",
        "status": "failed",
        "correlation_id": "c-1",
        "input": {},
        "error": {"code": "dispatch_exhausted"},
        "attempts": 5,
        "schedule_step": 5,
    }
