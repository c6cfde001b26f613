"""A dispatch attempt leases its run to the worker making it (db/leases.py): for twice
the dispatch timeout per HTTP call, under the worker's liveness lock id, until its outcome."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from app.automation_runs.dispatch import dispatch_run
from app.core.time import utc_now
from app.webhooks.sender import create_http_client
from db.session import Database
from tests.asgi import serve
from tests.automation_runs.helpers import create_run, runs_in_db
from tests.conftest import make_settings
from tests.factories import Keys
from tests.receiver import Answer, Receiver, running_receiver

FLOW_PATH = "/api/v1/webhooks/flow_1"
HOLDER = 4242


@pytest.fixture
async def activepieces() -> AsyncIterator[Receiver]:
    async with running_receiver() as receiver:
        yield receiver


async def test_a_dispatch_is_leased_to_its_worker_for_twice_the_timeout(
    db: Database, database_url: str, redis_url: str, tenant_keys: Keys, activepieces: Receiver
) -> None:
    settings = make_settings(
        database_url,
        redis_url,
        activepieces_base_url=activepieces.url(""),
        automation_dispatch_timeout_seconds=20,
    )
    activepieces.script(FLOW_PATH, Answer(200, delay=1))
    async with serve(settings) as api:
        run_id = uuid.UUID((await create_run(api, tenant_keys))["id"])
    async with create_http_client() as http:
        dispatch = asyncio.create_task(dispatch_run(db, http, settings, run_id, holder=HOLDER))
        await activepieces.wait_for(FLOW_PATH, 1)
        [during] = await runs_in_db(db)
        await dispatch
    [after] = await runs_in_db(db)
    assert during.lease_holder == HOLDER
    assert during.next_attempt_at is not None
    assert 30 < (during.next_attempt_at - utc_now()).total_seconds() <= 40
    assert (after.status, after.attempts, after.lease_holder) == ("running", 1, None)
