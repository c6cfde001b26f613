"""Per-request DataLoaders: fields that can repeat in one document (aliases) batch into one
query. Each batch opens its own session, since loaders may run concurrently."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cached_property

from strawberry.dataloader import DataLoader

from app.automation_runs import service as runs
from app.reports import service as reports
from app.reports.rows import ReportRow
from db.models.automation_run import AutomationRun
from db.session import Database


class Loaders:
    def __init__(self, db: Database, tenant_id: uuid.UUID) -> None:
        self._db = db
        self._tenant_id = tenant_id

    # Made when first used: most documents use none.
    @cached_property
    def report_by_slug(self) -> DataLoader[str, ReportRow | None]:
        return DataLoader(load_fn=self._reports_by_slug)

    @cached_property
    def run_by_id(self) -> DataLoader[uuid.UUID, AutomationRun | None]:
        return DataLoader(load_fn=self._runs_by_id)

    async def _reports_by_slug(self, slugs: Sequence[str]) -> list[ReportRow | None]:
        async with self._db.reading() as database:
            found = await reports.find_by_slugs(database, tenant_id=self._tenant_id, slugs=slugs)
        return [found.get(slug) for slug in slugs]

    async def _runs_by_id(self, run_ids: Sequence[uuid.UUID]) -> list[AutomationRun | None]:
        async with self._db.unit_of_work() as session:
            found = await runs.find_many(session, tenant_id=self._tenant_id, run_ids=run_ids)
        return [found.get(run_id) for run_id in run_ids]
