"""Dead letters written directly: dead deliveries come from tests.factories.make_delivery."""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from db.models.automation_run import AutomationRun
from db.models.tenant import Tenant
from db.session import Database


async def make_exhausted_run(db: Database, tenant: Tenant) -> uuid.UUID:
    """A run whose dispatch ran out of attempts; its id."""
    run_id = uuid.uuid4()
    async with db.unit_of_work() as session:
        await session.execute(
            insert(AutomationRun).values(
                id=run_id,
                tenant_id=tenant.id,
                flow_id="f",
                provider="activepieces",
                status="failed",
                correlation_id=f"c-{run_id}",
                input={},
                error={"code": "dispatch_exhausted", "message": "HTTP 503"},
                attempts=5,
                schedule_step=5,
            )
        )
    return run_id
