"""Per-request DataLoaders: fields that can repeat in one document (aliases) batch into one
query. Each batch opens its own session, since loaders may run concurrently."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cached_property, partial

from strawberry.dataloader import DataLoader

from app.automation_runs import service as runs
from app.nodes import service as nodes
from app.nodes.found import FoundNode
from app.reports import service as reports
from app.reports.rows import ReportRow
from db.models.automation_run import AutomationRun
from db.session import Database


class Loaders:
    def __init__(self, db: Database, tenant_id: uuid.UUID) -> None:
        self._db = db
        self._tenant_id = tenant_id
        self._node_loaders: dict[frozenset[str], DataLoader[str, FoundNode | None]] = {}

    # Made when first used: most documents use none.
    @cached_property
    def report_by_slug(self) -> DataLoader[str, ReportRow | None]:
        return DataLoader(load_fn=self._reports_by_slug)

    @cached_property
    def run_by_id(self) -> DataLoader[uuid.UUID, AutomationRun | None]:
        return DataLoader(load_fn=self._runs_by_id)

    def node_by_id(self, scopes: frozenset[str]) -> DataLoader[str, FoundNode | None]:
        """Nodes by id among the types that `scopes` (the caller's) can read."""
        if (loader := self._node_loaders.get(scopes)) is None:
            loader = DataLoader(
                load_fn=partial(self._nodes_by_id, scopes), max_batch_size=nodes.MAX_IDS
            )
            self._node_loaders[scopes] = loader
        return loader

    async def _reports_by_slug(self, slugs: Sequence[str]) -> list[ReportRow | None]:
        async with self._db.reading() as database:
            found = await reports.find_by_slugs(database, tenant_id=self._tenant_id, slugs=slugs)
        return [found.get(slug) for slug in slugs]

    async def _runs_by_id(self, run_ids: Sequence[uuid.UUID]) -> list[AutomationRun | None]:
        async with self._db.unit_of_work() as session:
            found = await runs.find_many(session, tenant_id=self._tenant_id, run_ids=run_ids)
        return [found.get(run_id) for run_id in run_ids]

    async def _nodes_by_id(
        self, scopes: frozenset[str], ids: Sequence[str]
    ) -> list[FoundNode | None]:
        async with self._db.reading() as database:
            return await nodes.find_nodes(
                database, tenant_id=self._tenant_id, ids=ids, scopes=scopes
            )
