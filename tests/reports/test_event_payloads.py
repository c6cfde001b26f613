"""Each report event's payload, built by the database from the row it wrote, is the report as
the API answers it (CONTRACT.md §5, §8): timestamps cut to milliseconds in UTC with `Z`, null
summary and publishedAt, content as the same JSON value; with and without an idempotency key."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from db.session import Database
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, item, outbox_events

URL = REPORTS.format("acme")
CONTENT = {"big": 12345678901234567890123, "f": 1.5, "e": 1e-7, "t": "é 😀 \u2028", "n": [None]}
# Every edge of the range and of the precision (cut, never rounded), and offsets.
ODD_TIMES = [
    "0001-01-01T00:00:00.5Z",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:30:00+00:30",
    "2597-10-03T05:44:45-22:45",
    "2026-11-01T23:59:00.0009+23:59",
    "1999-12-31T23:59:59.9996Z",
]


@pytest.mark.parametrize("keyed", [False, True], ids=["alone", "with-idempotency-key"])
async def test_event_payloads_equal_the_answered_reports(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, keyed: bool
) -> None:
    answered: list[tuple[str, dict[str, Any]]] = []

    async def post(*items: dict[str, Any]) -> None:
        headers = {**tenant_keys.headers}
        if keyed:
            headers["Idempotency-Key"] = f"k{len(answered)}"
        response = await client.post(URL, json=batch(*items), headers=headers)
        assert response.status_code == 200, response.text
        answered.extend((e["result"], e["report"]) for e in response.json()["data"])

    # created (drafts and published), then updated, published and unpublished, several times
    # each, so createdAt and updatedAt fall on many microsecond values.
    await post(*(item(f"r{n}", summary=None) for n in range(len(ODD_TIMES))))
    for round_ in range(3):
        await post(
            *(
                item(f"r{n}", title=f"t{round_}", summary="s", content=CONTENT, publishedAt=moment)
                for n, moment in enumerate(ODD_TIMES)
            )
        )
        await post(*(item(f"r{n}", title=f"d{round_}") for n in range(len(ODD_TIMES))))
    await post(item("new", content=CONTENT, publishedAt=ODD_TIMES[0]))

    events = await outbox_events(db)
    written = [report for result, report in answered if result != "unchanged"]
    published = [report for report in written if report["publishedAt"] is not None]
    assert sorted(e.event_type for e in events) == sorted(
        ["report.created"] * (len(ODD_TIMES) + 1)
        + ["report.updated"] * (len(written) - len(ODD_TIMES) - 1)
        + ["report.published"] * len(published)
    )
    for event in events:
        kind = "published" if event.event_type == "report.published" else "written"
        candidates = published if kind == "published" else written
        assert event.payload in candidates, (event.event_type, event.payload)
    # Every answered report that was written has its event, payload for payload.
    payloads = [e.payload for e in events if e.event_type != "report.published"]
    assert sorted(map(canonical, payloads)) == sorted(map(canonical, written))


def canonical(report: dict[str, Any]) -> str:
    return json.dumps(report, sort_keys=True)
