"""Report input and output (CONTRACT.md §5)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import orjson
from pydantic import AwareDatetime, Field, field_validator, model_validator

from app.core.errors import ValidationFailed
from app.core.schemas import InputModel, OutputModel, PageOut, finite_json
from app.core.time import UtcDateTime

MAX_BATCH = 500
MAX_CONTENT_BYTES = 256 * 1024
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,199}$"
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(text: str) -> bool:
    """Whether `text` could name a report (anything else is not found without a query)."""
    return _SLUG.fullmatch(text) is not None


def _quick_compact_size(value: dict[str, Any]) -> int | None:
    """The size of `value` as compact JSON by orjson, when that settles the checks.

    None when it does not: orjson writes a non-finite number as `null` (so a `null` is looked
    at again) and refuses integers beyond 64 bits. Otherwise the standard module's text differs
    only in exponents (`1e-07` for `1e-7`), at most a byte in three, so a size within three
    quarters of the bound is within it.
    """
    try:
        compact = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None
    return None if b"null" in compact else len(compact)


class ReportStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    ALL = "all"


class ReportIn(InputModel):
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Annotated[str | None, Field(max_length=2000)] = None
    content: dict[str, Any] = Field(default_factory=dict)
    published_at: AwareDatetime | None = None

    @field_validator("content")
    @classmethod
    def _content_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Finite numbers only, and a size bound: one serialisation checks both."""
        quick = _quick_compact_size(value)
        if quick is not None and quick <= MAX_CONTENT_BYTES * 3 // 4:
            return value
        compact = finite_json(value, separators=(",", ":"), ensure_ascii=False).encode()
        if len(compact) > MAX_CONTENT_BYTES:
            raise ValueError(f"must be at most {MAX_CONTENT_BYTES} bytes as compact JSON")
        return value

    @field_validator("published_at")
    @classmethod
    def _within_utc_years(cls, value: datetime | None) -> datetime | None:
        """Shown in UTC, so it must have a UTC form: only a moment on the first or last day of
        the range can lack one. (The upsert stores it at the precision the API shows.)"""
        if value is not None and value.year in (1, 9999):
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise ValueError("must fall between the years 1 and 9999 in UTC") from None
        return value


class ReportBatchIn(InputModel):
    reports: Annotated[list[ReportIn], Field(min_length=1, max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _slugs_unique(self) -> ReportBatchIn:
        seen: set[str] = set()
        repeated = []
        for index, report in enumerate(self.reports):
            if report.slug in seen:
                repeated.append(
                    {"path": f"reports.{index}.slug", "message": "slug repeated in this batch"}
                )
            seen.add(report.slug)
        if repeated:
            raise ValidationFailed(details=repeated)
        return self


class ReportOut(OutputModel):
    id: uuid.UUID
    slug: str
    title: str
    summary: str | None
    content: dict[str, Any]
    published_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class UpsertResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class ReportUpsertOut(OutputModel):
    result: UpsertResult
    report: ReportOut


class UpsertSummary(OutputModel):
    created: int
    updated: int
    unchanged: int


# The batch response as documented; its body is built by app/reports/representation.py.
class ReportBatchOut(OutputModel):
    data: list[ReportUpsertOut]
    summary: UpsertSummary


class ReportEnvelope(OutputModel):
    data: ReportOut


class ReportPageOut(PageOut):
    data: list[ReportOut]
    next_cursor: str | None
