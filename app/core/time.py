"""Timestamps: aware UTC datetimes inside, RFC 3339 with a Z suffix outside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer


def utc_now() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """`2026-11-24T10:00:00.123Z`: millisecond precision, always UTC."""
    if moment.tzinfo is UTC:  # as the database driver returns them: no conversion needed
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


UtcDateTime = Annotated[datetime, PlainSerializer(rfc3339, return_type=str)]
