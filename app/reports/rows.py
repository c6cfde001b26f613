"""Reports as the database returns them: plain rows, without ORM identity or change tracking."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

# The columns a representation shows, in ReportRow's order (the read queries select them so).
COLUMNS = ("id", "slug", "title", "summary", "content", "published_at", "created_at", "updated_at")


class ReportRow(NamedTuple):
    id: uuid.UUID
    slug: str
    title: str
    summary: str | None
    content: dict[str, Any]
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WrittenRow(NamedTuple):
    """A report as the batch upsert left it, but for its content: the item's, which the stored
    content equals as a JSON value (compared so when unchanged, else stored from its text)."""

    id: uuid.UUID
    slug: str
    title: str
    summary: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
