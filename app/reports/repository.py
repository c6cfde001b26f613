"""SQL for reports: a set-based upsert and index-backed keyset reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Boolean, Select, func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Position
from app.reports.schemas import ReportIn, ReportStatus
from db.models.report import Report


async def lock_existing(
    session: AsyncSession, tenant_id: uuid.UUID, slugs: Sequence[str]
) -> dict[str, Report]:
    """The batch's existing reports, row-locked in slug order (so batches cannot deadlock)."""
    rows = await session.scalars(
        select(Report)
        .where(Report.tenant_id == tenant_id, Report.slug.in_(slugs))
        .order_by(Report.slug)
        .with_for_update()
    )
    return {report.slug: report for report in rows}


async def upsert(
    session: AsyncSession, tenant_id: uuid.UUID, items: Sequence[ReportIn]
) -> dict[str, tuple[Report, bool]]:
    """Insert or replace every item in one statement; only rows that changed come back.

    An item equal to its stored report (timestamps as instants, content as JSON values) is
    filtered by the conflict clause's WHERE: it is not rewritten and not returned.
    """
    values = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "slug": item.slug,
            "title": item.title,
            "summary": item.summary,
            "content": item.content,
            "published_at": item.published_at,
        }
        for item in sorted(items, key=lambda item: item.slug)
    ]
    base = insert(Report).values(values)
    replaced = base.excluded
    statement = base.on_conflict_do_update(
        index_elements=[Report.tenant_id, Report.slug],
        set_={
            "title": replaced.title,
            "summary": replaced.summary,
            "content": replaced.content,
            "published_at": replaced.published_at,
            "updated_at": func.now(),
        },
        where=tuple_(
            Report.title, Report.summary, Report.content, Report.published_at
        ).is_distinct_from(
            tuple_(replaced.title, replaced.summary, replaced.content, replaced.published_at)
        ),
    ).returning(Report, literal_column("xmax = 0", Boolean).label("inserted"))
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return {report.slug: (report, inserted) for report, inserted in result.all()}


async def find_by_slugs(
    session: AsyncSession, tenant_id: uuid.UUID, slugs: Sequence[str]
) -> dict[str, Report]:
    rows = await session.scalars(
        select(Report).where(Report.tenant_id == tenant_id, Report.slug.in_(slugs))
    )
    return {report.slug: report for report in rows}


async def find_by_slug(session: AsyncSession, tenant_id: uuid.UUID, slug: str) -> Report | None:
    return await session.scalar(
        select(Report).where(Report.tenant_id == tenant_id, Report.slug == slug)
    )


def _ordered(tenant_id: uuid.UUID, status: ReportStatus) -> tuple[Select[Report], str]:
    """The query for a status and the name of the column it is ordered by."""
    query = select(Report).where(Report.tenant_id == tenant_id)
    if status is ReportStatus.PUBLISHED:
        query = query.where(Report.published_at.is_not(None))
        return query.order_by(Report.published_at.desc(), Report.id.desc()), "published_at"
    if status is ReportStatus.DRAFT:
        query = query.where(Report.published_at.is_(None))
    return query.order_by(Report.updated_at.desc(), Report.id.desc()), "updated_at"


def place(report: Report, status: ReportStatus) -> tuple[datetime, uuid.UUID]:
    """Where the report stands in the status's order (what list_page's `after` compares)."""
    moment = report.published_at if status is ReportStatus.PUBLISHED else report.updated_at
    assert moment is not None
    return moment, report.id


async def list_page(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    status: ReportStatus,
    *,
    after: Position | None,
    limit: int,
) -> Sequence[Report]:
    """Up to `limit` reports after a position, newest first."""
    query, column_name = _ordered(tenant_id, status)
    if after is not None:
        column = getattr(Report, column_name)
        query = query.where(tuple_(column, Report.id) < tuple_(after.sort_key, after.id))
    return (await session.scalars(query.limit(limit))).all()


async def latest_published(session: AsyncSession, tenant_id: uuid.UUID) -> Report | None:
    query, _ = _ordered(tenant_id, ReportStatus.PUBLISHED)
    return await session.scalar(query.limit(1))
