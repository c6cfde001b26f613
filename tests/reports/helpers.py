"""Builders and queries shared by the report tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.models.outbox_event import OutboxEvent
from db.models.report import Report
from db.session import Database

REPORTS = "/v1/tenants/{}/reports"


def item(slug: str, **fields: Any) -> dict[str, Any]:
    return {"slug": slug, "title": fields.pop("title", f"Title {slug}"), **fields}


def batch(*items: dict[str, Any]) -> dict[str, Any]:
    return {"reports": list(items)}


async def count_reports(db: Database) -> int:
    async with db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def outbox_events(db: Database) -> list[OutboxEvent]:
    async with db.unit_of_work() as session:
        rows = await session.scalars(select(OutboxEvent).order_by(OutboxEvent.occurred_at))
        return list(rows)
