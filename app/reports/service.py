"""Reports: batch upsert with outbox events, keyset listing, latest, by slug."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from app.core.errors import NotFound
from app.core.pagination import Page, PageRequest
from app.outbox.events import EventOrigin
from app.outbox.service import EventsRecorded
from app.reports import repository, representation
from app.reports.rows import ReportRow
from app.reports.schemas import ReportIn, ReportStatus, UpsertResult, is_slug
from db.session import ReadSource, WriteTarget, after_commit


@dataclass(frozen=True)
class UpsertOutcome:
    result: UpsertResult
    report: dict[str, Any]
    """The report's JSON representation (`ReportOut`), as answered and published."""


async def upsert_batch(
    target: WriteTarget,
    *,
    tenant_id: uuid.UUID,
    items: Sequence[ReportIn],
    origin: EventOrigin,
) -> list[UpsertOutcome]:
    """Create or replace every report of the batch, in input order, with its outbox events
    (carrying the origin's ids).

    One statement: in the session's transaction, or alone on the database (committed when this
    returns). A worker is nudged to relay the events once they are committed.
    """
    written = await repository.upsert(target, tenant_id, items, origin)
    outcomes: list[UpsertOutcome] = []
    for item in items:
        row, inserted = written[item.slug]
        payload = representation.written_report_json(row, item.content_json)
        if inserted is None:
            outcomes.append(UpsertOutcome(UpsertResult.UNCHANGED, payload))
        else:
            result = UpsertResult.CREATED if inserted else UpsertResult.UPDATED
            outcomes.append(UpsertOutcome(result, payload))
    if any(outcome.result is not UpsertResult.UNCHANGED for outcome in outcomes):
        after_commit(target, EventsRecorded())
    return outcomes


def batch_body(outcomes: Sequence[UpsertOutcome]) -> bytes:
    """The batch response body (`ReportBatchOut`) of the outcomes."""
    return representation.batch_body([(outcome.result, outcome.report) for outcome in outcomes])


async def list_page(
    source: ReadSource, *, tenant_id: uuid.UUID, status: ReportStatus, page: PageRequest
) -> Page[ReportRow]:
    """One page of the tenant's reports in the status's order, in one query."""
    return await page.for_list(status.value).fetch(
        partial(repository.list_page, source, tenant_id, status),
        partial(repository.place, status=status),
    )


async def latest(source: ReadSource, *, tenant_id: uuid.UUID) -> ReportRow:
    """The published report with the greatest publishedAt, or NotFound."""
    report = await find_latest(source, tenant_id=tenant_id)
    if report is None:
        raise NotFound("published report")
    return report


async def find_latest(source: ReadSource, *, tenant_id: uuid.UUID) -> ReportRow | None:
    """The published report with the greatest publishedAt, if the tenant has published one."""
    return await repository.latest_published(source, tenant_id)


async def find_by_slugs(
    source: ReadSource, *, tenant_id: uuid.UUID, slugs: Sequence[str]
) -> dict[str, ReportRow]:
    """The tenant's reports among `slugs`, by slug; a text that cannot be a slug names none."""
    wanted = [slug for slug in slugs if is_slug(slug)]
    return await repository.find_rows_by_slugs(source, tenant_id, wanted) if wanted else {}


async def get_by_slug(source: ReadSource, *, tenant_id: uuid.UUID, slug: str) -> ReportRow:
    """The tenant's report (drafts included), or NotFound."""
    report = await repository.find_by_slug(source, tenant_id, slug) if is_slug(slug) else None
    if report is None:
        raise NotFound("report")
    return report
