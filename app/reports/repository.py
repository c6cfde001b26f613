"""SQL for reports: a set-based upsert and index-backed keyset reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import json_codec
from app.core.pagination import Position
from app.reports.schemas import ReportIn, ReportStatus
from db.models.report import Report


class ReportRow(NamedTuple):
    """A stored report as the batch upsert reads it: plain values, no ORM state."""

    id: uuid.UUID
    slug: str
    title: str
    summary: str | None
    content: dict[str, Any]
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Written(NamedTuple):
    """What the upsert did to one item: `inserted` and `was_published` are None when the item
    equalled its stored report (unchanged, `report` as stored)."""

    report: ReportRow
    inserted: bool | None
    was_published: bool | None


# Each statement is a fixed text, whatever the batch size: prepared once per connection
# (asyncpg's statement cache) and never compiled by SQLAlchemy. Arrays carry the rows.
#
# The upsert first locks the batch's existing rows in slug order (the count in WHERE makes the
# insert wait for the locks), so concurrent batches cannot deadlock. Every CTE reads the
# snapshot of the statement's start: `locked` holds the rows as they were before the insert.
# An item equal to its stored report (timestamps as instants, content as JSON values) is
# filtered by the conflict clause's WHERE: it is not rewritten, and comes back from `locked`.
_UPSERT = """
WITH locked AS MATERIALIZED (
    SELECT id, slug, title, summary, content, published_at, created_at, updated_at
      FROM reports
     WHERE tenant_id = $1 AND slug = ANY($2::text[])
     ORDER BY slug
       FOR UPDATE
), written AS (
    INSERT INTO reports AS r (id, tenant_id, slug, title, summary, content, published_at)
    SELECT gen_random_uuid(), $1, u.slug, u.title, u.summary, u.content::jsonb, u.published_at
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
           WITH ORDINALITY AS u(slug, title, summary, content, published_at, position)
     WHERE (SELECT count(*) FROM locked) >= 0
     ORDER BY u.position
        ON CONFLICT (tenant_id, slug) DO UPDATE
       SET title = EXCLUDED.title, summary = EXCLUDED.summary, content = EXCLUDED.content,
           published_at = EXCLUDED.published_at, updated_at = now()
     WHERE (r.title, r.summary, r.content, r.published_at)
           IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.content,
                             EXCLUDED.published_at)
    RETURNING r.id, r.slug, r.title, r.summary, r.content, r.published_at, r.created_at,
              r.updated_at, r.xmax = 0 AS inserted
)
SELECT w.*, l.published_at IS NOT NULL
  FROM written AS w LEFT JOIN locked AS l ON l.slug = w.slug
 UNION ALL
SELECT l.*, NULL, NULL
  FROM locked AS l
 WHERE l.slug NOT IN (SELECT slug FROM written)"""
_FIND_ROWS = """
SELECT id, slug, title, summary, content, published_at, created_at, updated_at
  FROM reports
 WHERE tenant_id = $1 AND slug = ANY($2::text[])"""


async def upsert(
    session: AsyncSession, tenant_id: uuid.UUID, items: Sequence[ReportIn]
) -> dict[str, Written]:
    """Insert or replace every item in one statement, by slug.

    An item missing from the answer equalled a report that a concurrent batch created after
    this statement began (find_rows_by_slugs reads it).
    """
    ordered = sorted(items, key=lambda item: item.slug)
    parameters = (
        tenant_id,
        [item.slug for item in ordered],
        [item.title for item in ordered],
        [item.summary for item in ordered],
        [json_codec.dumps_text(item.content) for item in ordered],
        [item.published_at for item in ordered],
    )
    connection = await session.connection()
    result = await connection.exec_driver_sql(_UPSERT, parameters)
    rows: Sequence[Sequence[Any]] = result.all()
    return {row[1]: Written(ReportRow._make(row[:8]), row[8], row[9]) for row in rows}


async def find_rows_by_slugs(
    session: AsyncSession, tenant_id: uuid.UUID, slugs: Sequence[str]
) -> dict[str, ReportRow]:
    connection = await session.connection()
    result = await connection.exec_driver_sql(_FIND_ROWS, (tenant_id, list(slugs)))
    rows: Sequence[Sequence[Any]] = result.all()
    return {row[1]: ReportRow._make(row) for row in rows}


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
