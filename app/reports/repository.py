"""SQL for reports: a set-based upsert and index-backed keyset reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Position
from app.reports.rows import COLUMNS, ReportRow
from app.reports.schemas import ReportIn, ReportStatus
from db.models.report import Report
from db.session import fetch_rows


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


async def find_rows_by_slugs(
    session: AsyncSession, tenant_id: uuid.UUID, slugs: Sequence[str]
) -> dict[str, ReportRow]:
    rows = await _fetch(session, _BY_SLUGS, tenant_id, list(slugs))
    return {row.slug: row for row in rows}


async def find_by_slug(session: AsyncSession, tenant_id: uuid.UUID, slug: str) -> ReportRow | None:
    rows = await _fetch(session, _BY_SLUG, tenant_id, slug)
    return rows[0] if rows else None


def place(report: ReportRow, status: ReportStatus) -> tuple[datetime, uuid.UUID]:
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
) -> list[ReportRow]:
    """Up to `limit` reports after a position, newest first."""
    first, following = _PAGES[status]
    if after is None:
        return await _fetch(session, first, tenant_id, limit)
    return await _fetch(session, following, tenant_id, limit, after.sort_key, after.id)


async def latest_published(session: AsyncSession, tenant_id: uuid.UUID) -> ReportRow | None:
    rows = await _fetch(session, _PAGES[ReportStatus.PUBLISHED][0], tenant_id, 1)
    return rows[0] if rows else None


# Reads go to the driver with SQL written once: no ORM identity map, no statement compiled or
# cache key built per call, and no BEGIN/COMMIT around a single SELECT.
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM reports WHERE tenant_id = $1"  # noqa: S608
_BY_SLUG = f"{_SELECT} AND slug = $2"
_BY_SLUGS = f"{_SELECT} AND slug = ANY($2::text[])"


def _keyset_queries(condition: str, column: str) -> tuple[str, str]:
    """The first page and the page after ($3, $4) of one ordering: newest first, limit $2.

    Each matches one of the partial or full indexes on (tenant_id, column DESC, id DESC).
    """
    order = f"ORDER BY {column} DESC, id DESC LIMIT $2"
    return (
        f"{_SELECT}{condition} {order}",
        f"{_SELECT}{condition} AND ({column}, id) < ($3, $4) {order}",
    )


_PAGES = {
    ReportStatus.PUBLISHED: _keyset_queries(" AND published_at IS NOT NULL", "published_at"),
    ReportStatus.DRAFT: _keyset_queries(" AND published_at IS NULL", "updated_at"),
    ReportStatus.ALL: _keyset_queries("", "updated_at"),
}


async def _fetch(session: AsyncSession, query: str, *args: Any) -> list[ReportRow]:
    return [ReportRow(*record) for record in await fetch_rows(session, query, *args)]
