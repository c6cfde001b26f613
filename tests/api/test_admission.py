"""Past its in-flight limit an API process answers 503 `overloaded` at once, in each face's
shape, counted and not logged as an outage; probes and metrics are still served, the requests
already admitted finish normally, and a request still uploading its body holds no place."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import orjson

from app.core.config import Settings
from app.outbox.events import EventOrigin
from app.reports import service as reports
from app.reports.schemas import ReportIn
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import serve
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL
from tests.logs import parsed
from tests.rate_limit.helpers import metric_delta, scrape
from tests.reports.helpers import REPORTS, batch, count_reports, item

URL = REPORTS.format("acme")


async def test_requests_past_the_in_flight_limit_are_refused_with_503_overloaded(
    settings: Settings, db: Database, tenant_keys: Keys, log_lines: io.StringIO
) -> None:
    async with serve(settings.model_copy(update={"api_max_in_flight": 1})) as client:
        await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
        before = await scrape(client)
        # The admitted request works: it waits for the report's lock, held by a batch of the
        # test's own.
        async with db.unit_of_work() as session:
            await reports.upsert_batch(
                session,
                tenant_id=tenant_keys.tenant.id,
                items=[ReportIn.model_validate(item("held"))],
                origin=EventOrigin(None),
            )
            held = asyncio.create_task(
                client.post(
                    URL, json=batch(item("held", title="second")), headers=tenant_keys.headers
                )
            )
            await asyncio.sleep(0.3)
            assert not held.done()
            rest = await client.get(URL, headers=tenant_keys.headers)
            graphql = await client.post(
                GRAPHQL.format("acme"),
                json={"query": "{ latestReport { id } }"},
                headers=tenant_keys.headers,
            )
            health = await client.get("/health")
            after = await scrape(client)
        written = await held
        served = await client.get(URL, headers=tenant_keys.headers)

    assert_error(rest, 503, "overloaded")
    assert rest.headers["retry-after"] == "1"
    assert "ratelimit" not in rest.headers  # refused before any quota was used
    assert graphql.status_code == 503, graphql.text
    assert graphql.headers["retry-after"] == "1"
    assert [e["extensions"]["code"] for e in graphql.json()["errors"]] == ["overloaded"]
    assert health.status_code == 200
    assert metric_delta(before, after, "aetherflow_overloaded_total") == 2
    assert written.status_code == 200, written.text
    assert written.json()["data"][0]["result"] == "updated"
    assert await count_reports(db) == 1
    assert served.status_code == 200
    assert not [line for line in parsed(log_lines) if line["level"] in {"WARNING", "ERROR"}]


async def test_a_request_still_uploading_its_body_holds_no_place(
    settings: Settings, db: Database, tenant_keys: Keys
) -> None:
    release = asyncio.Event()
    body = orjson.dumps(batch(item("slow")))

    async def slow_body() -> AsyncIterator[bytes]:
        yield body[:10]
        await release.wait()
        yield body[10:]

    async with serve(settings.model_copy(update={"api_max_in_flight": 1})) as client:
        uploading = asyncio.create_task(
            client.post(
                URL,
                content=slow_body(),
                headers={**tenant_keys.headers, "Content-Type": "application/json"},
            )
        )
        await asyncio.sleep(0.2)  # the upload has begun and waits for the rest of its body
        served = await client.get(URL, headers=tenant_keys.headers)
        release.set()
        written = await uploading

    assert served.status_code == 200, served.text
    assert written.status_code == 200, written.text
    assert await count_reports(db) == 1
