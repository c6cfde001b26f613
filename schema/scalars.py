"""Scalars: `DateTime` as RFC 3339 with a Z suffix (as REST), and `JSON`.

Python `datetime` fields map to `DateTime` through the schema's `scalar_map`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
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


# A page's rows often share their timestamps (written by one statement): each distinct instant
# is formatted once. Equal instants have one text, so the cache is exact.
_formatted = lru_cache(maxsize=4096)(rfc3339)


def _serialize(value: Any) -> str:
    return _formatted(value) if type(value) is datetime else rfc3339(value)


DateTime = strawberry.scalar(
    name="DateTime",
    description="An RFC 3339 timestamp in UTC, e.g. 2026-11-24T10:00:00.123Z.",
    serialize=_serialize,
    parse_value=_parse_datetime,
)

__all__ = ["JSON", "DateTime"]
