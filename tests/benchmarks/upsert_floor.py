"""The batch-write baseline: one set-based upsert of a batch's reports and one insert of its
outbox events, on the product's own tables, in one transaction on one asyncpg connection.

The events are those the product records: `report.created` for each new report and
`report.published` for each new one with a `publishedAt`, each carrying the report as JSON.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import orjson

UPSERT = """
INSERT INTO reports AS r (id, tenant_id, slug, title, summary, content, published_at)
SELECT u.id, $1, u.slug, u.title, u.summary, u.content::jsonb, u.published_at
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       AS u(id, slug, title, summary, content, published_at)
ON CONFLICT (tenant_id, slug) DO UPDATE
   SET title = EXCLUDED.title, summary = EXCLUDED.summary, content = EXCLUDED.content,
       published_at = EXCLUDED.published_at, updated_at = now()
 WHERE (r.title, r.summary, r.content, r.published_at)
       IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.content, EXCLUDED.published_at)
RETURNING r.id, r.slug, r.published_at, r.created_at, r.updated_at, (r.xmax = 0) AS created"""
OUTBOX = """
INSERT INTO outbox_events (id, tenant_id, event_type, payload)
SELECT u.id, $1, u.event_type, u.payload::jsonb
  FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(id, event_type, payload)"""


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


async def upsert(
    connection: asyncpg.Connection, tenant: uuid.UUID, items: list[dict[str, Any]]
) -> int:
    """Write the batch (API field names) and its events; how many reports it changed."""
    async with connection.transaction():
        rows = await connection.fetch(
            UPSERT,
            tenant,
            [uuid.uuid4() for _ in items],
            [item["slug"] for item in items],
            [item["title"] for item in items],
            [item["summary"] for item in items],
            [orjson.dumps(item["content"]).decode() for item in items],
            [_moment(item["publishedAt"]) for item in items],
        )
        by_slug = {item["slug"]: item for item in items}
        types: list[str] = []
        payloads: list[str] = []
        for row in rows:
            kinds = ["report.created" if row["created"] else "report.updated"]
            if row["created"] and row["published_at"] is not None:
                kinds.append("report.published")
            data = {
                **by_slug[row["slug"]],
                "id": str(row["id"]),
                "createdAt": row["created_at"],
                "updatedAt": row["updated_at"],
            }
            payload = orjson.dumps(data, option=orjson.OPT_UTC_Z).decode()
            types += kinds
            payloads += [payload] * len(kinds)
        if types:
            await connection.execute(OUTBOX, tenant, [uuid.uuid4() for _ in types], types, payloads)
    return len(rows)


async def timed_upsert(
    connection: asyncpg.Connection, tenant: uuid.UUID, items: list[dict[str, Any]], expect: int
) -> float:
    """Milliseconds for one batch, building its parameters included."""
    started = time.perf_counter()
    changed = await upsert(connection, tenant, items)
    elapsed = (time.perf_counter() - started) * 1000
    if changed != expect:
        raise RuntimeError(f"the baseline upsert changed {changed} reports, not {expect}")
    return elapsed
