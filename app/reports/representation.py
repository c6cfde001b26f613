"""Reports as the API shows them, rendered straight from trusted rows without model validation:
the JSON a read answers, and a batch upsert answers and publishes.

`ReportOut` describes this representation (and documents it); building it field by field here
gives the same JSON as `ReportOut.model_validate(row).model_dump(mode="json")` at a fraction of
the cost, which matters for a page of 100 or a batch of 500 (tests/reports/test_representation.py
and test_read_path.py hold the two equal).

A batch answers each report's `content` as the item's compact JSON text, which it was stored
from or found equal to (as JSON values, by PostgreSQL), rather than the stored jsonb decoded and
encoded again: the same JSON value, its object keys in the client's order and its numbers as
the client's parsed numbers are written (a read shows the stored form: `1e20` may come back as
`100000000000000000000`). JSON objects are unordered (RFC 8259), so both are the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from app.core import json_codec
from app.core.pagination import Page
from app.core.time import rfc3339
from app.reports.rows import ReportRow, WrittenRow
from app.reports.schemas import UpsertResult

# Reports written by one statement share their timestamps (now() of its transaction), and a
# batch sent again has the same ones: each distinct instant is formatted once. Equal instants
# have one text, so the cache is exact. It is keyed by the instant's distance from the epoch:
# hashing an aware datetime builds two naive ones (~0.4 µs, each row's datetimes being new
# objects), the subtraction one timedelta (~0.1 µs); 1,500 per 500-report answer.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIMESTAMP_TEXTS: dict[timedelta, str] = {}
_TIMESTAMP_TEXTS_HELD = 4096


def _timestamp(moment: datetime) -> str:
    """`rfc3339(moment)`, from the cache when it holds the instant."""
    if moment.tzinfo is None:
        return rfc3339(moment)
    since_epoch = moment - _EPOCH
    text = _TIMESTAMP_TEXTS.get(since_epoch)
    if text is None:
        if len(_TIMESTAMP_TEXTS) >= _TIMESTAMP_TEXTS_HELD:
            _TIMESTAMP_TEXTS.clear()
        text = _TIMESTAMP_TEXTS[since_epoch] = rfc3339(moment)
    return text


def report_json(row: ReportRow) -> dict[str, Any]:
    """A report as the API shows it (`ReportOut`, by alias, JSON values)."""
    return _report_json(row, row.content)


def written_report_json(row: WrittenRow, content_json: str) -> dict[str, Any]:
    """A report the batch upsert wrote or found unchanged, its content the item's compact JSON
    text, spliced as it is into whatever JSON the result is written into (the answer, events)."""
    return _report_json(row, orjson.Fragment(content_json))


def _report_json(row: ReportRow | WrittenRow, content: Any) -> dict[str, Any]:
    published_at = row.published_at
    return {
        "id": str(row.id),
        "slug": row.slug,
        "title": row.title,
        "summary": row.summary,
        "content": content,
        "publishedAt": _timestamp(published_at) if published_at is not None else None,
        "createdAt": _timestamp(row.created_at),
        "updatedAt": _timestamp(row.updated_at),
    }


def batch_body(results: Sequence[tuple[UpsertResult, dict[str, Any]]]) -> bytes:
    """The batch response (`ReportBatchOut`): each result in input order, and their counts.

    A result is written as the text it is (`UpsertResult` is a `str`) and counted by identity
    (`list.count`): an enum member's `value` and hash are Python-level calls, ~0.4 ms of a
    500-report answer when taken per report."""
    data = [{"result": result, "report": report} for result, report in results]
    kinds = [result for result, _ in results]
    summary = {result.value: kinds.count(result) for result in UpsertResult}
    return json_codec.dumps({"data": data, "summary": summary})


def envelope_body(row: ReportRow) -> bytes:
    """ReportEnvelope: `{"data": report}`."""
    return json_codec.dumps({"data": report_json(row)})


def page_body(page: Page[ReportRow]) -> bytes:
    """ReportPageOut: `{"data": [...], "nextCursor": ...}`."""
    return json_codec.dumps(
        {"data": [report_json(row) for row in page.items], "nextCursor": page.next_cursor}
    )
