"""Scalars: `DateTime` as RFC 3339 with a Z suffix (as REST), and `JSON`.

Python `datetime` fields map to `DateTime` through the schema's `scalar_map`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.core.time import rfc3339


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an RFC 3339 string")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("DateTime needs a time zone offset")
    return moment


DateTime = strawberry.scalar(
    name="DateTime",
    description="An RFC 3339 timestamp in UTC, e.g. 2026-11-24T10:00:00.123Z.",
    serialize=rfc3339,
    parse_value=_parse_datetime,
)

__all__ = ["JSON", "DateTime"]
