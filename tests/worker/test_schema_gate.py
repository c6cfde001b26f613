"""The worker consumes nothing until the database schema serves its code (docs/MIGRATIONS.md):
on a deploy it may start before the API's pre-deploy migration has run."""

from __future__ import annotations

import asyncio
import json

from alembic import command

from app.core.config import Settings
from db.create_database import recreate_database
from db.migrate import alembic_config, head_revision, upgrade_to_head
from db.session import Database
from tests.conftest import make_settings
from tests.factories import make_endpoint, make_tenant
from tests.receiver import Answer, Receiver
from tests.worker.helpers import record_event
from tests.worker.process import WorkerProcess, running_workers, worker_env

WAITING = "worker: waiting for the database schema"
READY = "worker: the database schema is ready"


async def wait_for_output(worker: WorkerProcess, text: str, timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while text not in worker.output():
            assert worker.process.poll() is None, worker.output()
            await asyncio.sleep(0.1)


async def test_the_worker_waits_for_the_migration_then_delivers(
    database_url: str, redis_url: str, cli_env: dict[str, str], receiver: Receiver
) -> None:
    behind = database_url + "_schema_gate"
    await recreate_database(behind)
    await asyncio.to_thread(command.upgrade, alembic_config(behind), "0001")
    env = worker_env(
        cli_env, database_url=behind.replace("+asyncpg", ""), sweep_interval_seconds="0.5"
    )
    with running_workers(env) as [worker]:
        await wait_for_output(worker, WAITING)
        # Several sweeps' worth of time: a worker that did not wait would have swept by now,
        # and failed on the columns of the newer revision.
        await asyncio.sleep(2)
        assert "sweep:" not in worker.output()
        assert READY not in worker.output()

        await asyncio.to_thread(upgrade_to_head, behind)
        await wait_for_output(worker, READY)
        db = Database.connect(behind, pool_size=1)
        try:
            settings: Settings = make_settings(behind, redis_url)
            tenant = await make_tenant(db)
            await make_endpoint(db, settings, tenant, receiver.script("/hook", Answer(200)))
            await record_event(db, tenant)
            await receiver.wait_for("/hook", 1)
        finally:
            await db.dispose()
        waiting = next(line for line in worker.output().splitlines() if WAITING in line)
    assert json.loads(waiting)["needed"] == head_revision()
