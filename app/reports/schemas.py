"""Report input and output (CONTRACT.md §5)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import orjson
from pydantic import AwareDatetime, Field, ValidationInfo, field_validator, model_validator

from app.core import json_codec
from app.core.errors import ValidationFailed
from app.core.json_input import numbers_are_finite
from app.core.schemas import InputModel, OutputModel, PageOut, finite_json
from app.core.time import UtcDateTime

MAX_BATCH = 500
MAX_CONTENT_BYTES = 256 * 1024
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,199}$"
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(text: str) -> bool:
    """Whether `text` could name a report (anything else is not found without a query)."""
    return _SLUG.fullmatch(text) is not None


def _compact_json(value: dict[str, Any], *, finite: bool) -> str:
    """`value` as compact JSON (`json_codec.dumps`), once its numbers are known to be finite and
    its size within MAX_CONTENT_BYTES; ValueError otherwise. `finite`: the caller knows the
    numbers are (input parsed from JSON text).

    orjson's text settles both checks at once when it is within three quarters of the bound
    and its numbers are finite, known or seen from its text holding no `null` (orjson writes a
    non-finite number as `null`): the standard module's compact text, which the bound is
    measured on, differs from it only in exponents (`1e-07` for `1e-7`), at most a byte in
    three. Otherwise the standard module decides.
    """
    try:
        compact: bytes | None = orjson.dumps(value)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        compact = None
    if (
        compact is not None
        and len(compact) <= MAX_CONTENT_BYTES * 3 // 4
        and (finite or b"null" not in compact)
    ):
        return compact.decode()
    standard = finite_json(value, separators=(",", ":"), ensure_ascii=False).encode()
    if len(standard) > MAX_CONTENT_BYTES:
        raise ValueError(f"must be at most {MAX_CONTENT_BYTES} bytes as compact JSON")
    return compact.decode() if compact is not None else json_codec.dumps_text(value)


class Content(dict[str, Any]):
    """A report's content as validated, with the compact JSON text it is stored and answered as
    (serialised once: the size check's text is the database's and the response's)."""

    __slots__ = ("json",)
    json: str

    @classmethod
    def of(cls, value: dict[str, Any], json: str) -> Content:
        # dict's own constructor, then the text: a Python __init__ would cost twice as much.
        content = cls(value)
        content.json = json
        return content


class ReportStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    ALL = "all"


class ReportIn(InputModel):
    slug: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    summary: Annotated[str | None, Field(max_length=2000)] = None
    # Validated even when omitted, so that every item's content is a `Content`.
    content: dict[str, Any] = Field(default_factory=dict, validate_default=True)
    published_at: AwareDatetime | None = None

    @field_validator("content")
    @classmethod
    def _content_size(cls, value: dict[str, Any], info: ValidationInfo) -> Content:
        """Finite numbers only, and a size bound: one serialisation checks both, and is kept."""
        return Content.of(value, _compact_json(value, finite=numbers_are_finite(info.context)))

    @property
    def content_json(self) -> str:
        """The content as compact JSON: what is stored, and answered."""
        content = self.content
        return content.json if isinstance(content, Content) else json_codec.dumps_text(content)

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
    id: uuid.UUID = Field(description="The report's id (a UUID).")
    slug: str = Field(description="The report's name within the tenant, unique; upserts key on it.")
    title: str = Field(description="The title, 1 to 300 characters.")
    summary: str | None = Field(description="A summary of up to 2000 characters, or null.")
    content: dict[str, Any] = Field(description="The report's content: any JSON object.")
    published_at: UtcDateTime | None = Field(
        description="When the report was published; null for a draft."
    )
    created_at: UtcDateTime = Field(description="When the report was first written.")
    updated_at: UtcDateTime = Field(description="When the report last changed.")


class UpsertResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class ReportUpsertOut(OutputModel):
    result: UpsertResult = Field(description="What the upsert did to the report.")
    report: ReportOut = Field(description="The report as it stands after the upsert.")


class UpsertSummary(OutputModel):
    created: int = Field(description="Reports the batch created.")
    updated: int = Field(description="Reports the batch changed.")
    unchanged: int = Field(description="Reports the batch left as they were (equal already).")


# The batch response as documented; its body is built by app/reports/representation.py.
class ReportBatchOut(OutputModel):
    data: list[ReportUpsertOut] = Field(
        description="One result per report of the batch, in the batch's order."
    )
    summary: UpsertSummary = Field(description="How many reports had each result.")


class ReportEnvelope(OutputModel):
    data: ReportOut


class ReportPageOut(PageOut):
    data: list[ReportOut]
    next_cursor: str | None
