"""A report as the read paths return it: a plain row, without ORM identity or change tracking."""

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
