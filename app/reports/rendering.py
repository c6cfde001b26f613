"""Report representations rendered straight from trusted rows: the JSON that ReportOut gives,
without validating values the database already guarantees."""

from __future__ import annotations

from typing import Any

from app.core import json_codec
from app.core.pagination import Page
from app.core.time import rfc3339
from app.reports.rows import ReportRow


def report_json(row: ReportRow) -> dict[str, Any]:
    """ReportOut of `row`, as JSON-ready values."""
    published_at = row.published_at
    return {
        "id": str(row.id),
        "slug": row.slug,
        "title": row.title,
        "summary": row.summary,
        "content": row.content,
        "publishedAt": None if published_at is None else rfc3339(published_at),
        "createdAt": rfc3339(row.created_at),
        "updatedAt": rfc3339(row.updated_at),
    }


def envelope_body(row: ReportRow) -> bytes:
    """ReportEnvelope: `{"data": report}`."""
    return json_codec.dumps({"data": report_json(row)})


def page_body(page: Page[ReportRow]) -> bytes:
    """ReportPageOut: `{"data": [...], "nextCursor": ...}`."""
    return json_codec.dumps(
        {"data": [report_json(row) for row in page.items], "nextCursor": page.next_cursor}
    )
