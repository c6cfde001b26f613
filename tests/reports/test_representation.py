"""The batch upsert answers and publishes reports built without Pydantic: the same JSON as the
output models give (a batch's content as JSON values: it is the item's compact text), and the
same as the stored rows read back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from app.core import json_codec
from app.core.time import rfc3339
from app.reports import representation
from app.reports.representation import batch_body, report_json, written_report_json
from app.reports.rows import ReportRow, WrittenRow
from app.reports.schemas import ReportBatchOut, ReportOut, ReportUpsertOut, UpsertResult
from app.reports.schemas import UpsertSummary as UpsertSummaryOut
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, item

CONTENTS: list[dict[str, Any]] = [
    {},
    {"floats": [1e20, 1.5e-7, 0.1, 1.0, -0.0, 1e16, 12345678.9, 0.00001]},
    {"text": 'é \u2028 \x01 / " \\ 😀', "nested": {"a": [None, True, False, {"b": []}]}},
    {"big": 123456789012345678901234567890, "float": 2.5e-8},
]


def row(content: dict[str, Any], published: datetime | None) -> ReportRow:
    moment = datetime(2026, 11, 1, 10, 0, 0, 123456, tzinfo=UTC)
    return ReportRow(uuid.uuid4(), "s", "T", None, content, published, moment, moment)


@pytest.mark.parametrize("content", CONTENTS)
@pytest.mark.parametrize("published", [None, datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)])
def test_report_and_batch_json_are_the_output_models_json(
    content: dict[str, Any], published: datetime | None
) -> None:
    stored = row(content, published)
    assert report_json(stored) == ReportOut.model_validate(stored).model_dump(mode="json")
    results = [
        (UpsertResult.CREATED, report_json(stored)),
        (UpsertResult.UNCHANGED, report_json(stored)),
    ]
    expected = ReportBatchOut(
        data=[
            ReportUpsertOut(result=result, report=ReportOut.model_validate(stored))
            for result, _ in results
        ],
        summary=UpsertSummaryOut(created=1, updated=0, unchanged=1),
    )
    assert batch_body(results) == expected.model_dump_json().encode()


@pytest.mark.parametrize("content", CONTENTS)
def test_a_written_report_is_the_output_models_json_as_json_values(
    content: dict[str, Any],
) -> None:
    stored = row(content, None)
    written = WrittenRow(*stored[:4], *stored[5:])
    report = written_report_json(written, json_codec.dumps_text(content))
    body = batch_body([(UpsertResult.UPDATED, report)])
    expected = ReportBatchOut(
        data=[
            ReportUpsertOut(result=UpsertResult.UPDATED, report=ReportOut.model_validate(stored))
        ],
        summary=UpsertSummaryOut(created=0, updated=1, unchanged=0),
    )
    # The standard module reads integers beyond 64 bits exactly.
    assert json.loads(body) == json.loads(expected.model_dump_json())


async def test_answered_reports_equal_the_stored_ones(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    url = REPORTS.format("acme")
    items = [item(f"r{n}", content=content) for n, content in enumerate(CONTENTS)]
    written = await client.post(url, json=batch(*items), headers=tenant_keys.headers)
    again = await client.post(url, json=batch(*items), headers=tenant_keys.headers)
    assert [entry["result"] for entry in again.json()["data"]] == ["unchanged"] * len(items)
    for entry in written.json()["data"]:
        read = await client.get(f"{url}/{entry['report']['slug']}", headers=tenant_keys.headers)
        assert read.json()["data"] == entry["report"]
    assert again.json()["data"] == [
        {**entry, "result": "unchanged"} for entry in written.json()["data"]
    ]


def test_timestamps_are_the_instants_texts_however_many() -> None:
    moment = datetime(2026, 11, 1, 10, 0, 0, 123456, tzinfo=UTC)
    elsewhere = moment.astimezone(timezone(timedelta(hours=-5, minutes=-30)))
    assert representation._timestamp(moment) == "2026-11-01T10:00:00.123Z"
    assert representation._timestamp(elsewhere) == "2026-11-01T10:00:00.123Z"
    assert representation._timestamp(moment.replace(tzinfo=None)) == "2026-11-01T10:00:00.123Z"
    instants = [moment + timedelta(microseconds=999 * step) for step in range(10_000)]
    assert [representation._timestamp(instant) for instant in instants] == [
        rfc3339(instant) for instant in instants
    ]
    assert len(representation._TIMESTAMP_TEXTS) <= representation._TIMESTAMP_TEXTS_HELD
