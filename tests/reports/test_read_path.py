"""The read path's cost and output: one query per request, JSON equal to ReportOut's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from app.core import json_codec
from app.reports.representation import report_json
from app.reports.rows import ReportRow
from app.reports.schemas import ReportOut
from tests.benchmarks.engine_probe import statement_counter
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, item

URL = REPORTS.format("acme")


async def seed(client: httpx.AsyncClient, keys: Keys, count: int) -> None:
    items = [
        item(f"r-{i:03d}", publishedAt=f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}.5Z")
        for i in range(count)
    ]
    response = await client.post(URL, json=batch(*items), headers=keys.headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("status", ["published", "draft", "all"])
async def test_a_page_costs_one_query_whatever_its_size(
    client: httpx.AsyncClient, tenant_keys: Keys, status: str
) -> None:
    await seed(client, tenant_keys, 120)
    await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
    counts = []
    for limit in (1, 100):
        query = f"?limit={limit}&status={status}"
        with statement_counter() as counted:
            response = await client.get(f"{URL}{query}", headers=tenant_keys.headers)
        assert response.status_code == 200
        counts.append(counted())
        cursor = response.json()["nextCursor"]
        if cursor is not None:
            with statement_counter() as counted:
                response = await client.get(
                    f"{URL}{query}&cursor={cursor}", headers=tenant_keys.headers
                )
            assert response.status_code == 200
            counts.append(counted())
    assert set(counts) == {1}


@pytest.mark.parametrize("path", ["/latest", "/r-001"])
async def test_one_report_costs_one_query(
    client: httpx.AsyncClient, tenant_keys: Keys, path: str
) -> None:
    await seed(client, tenant_keys, 3)
    await client.get(URL, headers=tenant_keys.headers)
    with statement_counter() as counted:
        response = await client.get(f"{URL}{path}", headers=tenant_keys.headers)
    assert response.status_code == 200
    assert counted() == 1


MOMENT = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "row",
    [
        ReportRow(uuid.uuid4(), "a", "A", None, {}, None, MOMENT, MOMENT),
        ReportRow(
            uuid.uuid4(),
            "b",
            "Bé ✓",
            "summary",
            {"n": [1, 2.5, None, True], "deep": {"big": 2**70, "text": "é\u2028"}},
            MOMENT.replace(microsecond=0),
            MOMENT - timedelta(days=400),
            MOMENT.astimezone(timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_rendering_gives_the_json_of_the_output_model(row: ReportRow) -> None:
    expected = ReportOut.model_validate(row).model_dump_json(by_alias=True)
    assert json_codec.loads(json_codec.dumps(report_json(row))) == json_codec.loads(expected)
    assert json_codec.dumps(report_json(row)) == expected.encode()


async def test_a_request_left_to_fastapi_gets_the_lean_answer(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await seed(client, tenant_keys, 5)
    lean = await client.get(f"{URL}?status=all&limit=3", headers=tenant_keys.headers)
    # "3.0" is not plain digits: the lean handler leaves it to FastAPI, which accepts it.
    solved = await client.get(f"{URL}?status=all&limit=3.0", headers=tenant_keys.headers)
    assert lean.status_code == solved.status_code == 200
    assert lean.content == solved.content
    varying = {"date", "x-request-id", "x-correlation-id", "ratelimit"}
    assert {k: v for k, v in lean.headers.items() if k not in varying} == {
        k: v for k, v in solved.headers.items() if k not in varying
    }
