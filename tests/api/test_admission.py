"""Past its in-flight limit an API process answers 503 `overloaded` at once, in each face's
shape, counted and not logged as an outage; probes and metrics are still served, and the
requests already admitted finish normally."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import orjson

from app.core.config import Settings
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL
from tests.logs import parsed
from tests.rate_limit.helpers import metric_delta, scrape
from tests.reports.helpers import REPORTS, batch, count_reports, item


async def test_requests_past_the_in_flight_limit_are_refused_with_503_overloaded(
    settings: Settings, db: Database, tenant_keys: Keys, log_lines: io.StringIO
) -> None:
    release = asyncio.Event()
    body = orjson.dumps(batch(item("held")))

    async def held_body() -> AsyncIterator[bytes]:
        yield body[:10]
        await release.wait()
        yield body[10:]

    url = REPORTS.format("acme")
    async with serve(settings.model_copy(update={"api_max_in_flight": 1})) as client:
        before = await scrape(client)
        held = asyncio.create_task(
            client.post(
                url,
                content=held_body(),
                headers={**tenant_keys.headers, "Content-Type": "application/json"},
            )
        )
        await asyncio.sleep(0.2)  # the held request is in flight, reading its body
        rest = await client.get(url, headers=tenant_keys.headers)
        graphql = await client.post(
            GRAPHQL.format("acme"),
            json={"query": "{ latestReport { id } }"},
            headers=tenant_keys.headers,
        )
        health = await client.get("/health")
        after = await scrape(client)
        release.set()
        written = await held
        served = await client.get(url, headers=tenant_keys.headers)

    assert_error(rest, 503, "overloaded")
    assert rest.headers["retry-after"] == "1"
    assert "ratelimit" not in rest.headers  # refused before any quota was used
    assert graphql.status_code == 503, graphql.text
    assert graphql.headers["retry-after"] == "1"
    assert [e["extensions"]["code"] for e in graphql.json()["errors"]] == ["overloaded"]
    assert health.status_code == 200
    assert metric_delta(before, after, "aetherflow_overloaded_total") == 2
    assert written.status_code == 200, written.text
    assert await count_reports(db) == 1
    assert served.status_code == 200
    assert not [line for line in parsed(log_lines) if line["level"] in {"WARNING", "ERROR"}]
