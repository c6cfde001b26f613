"""CONTRACT.md §5 under concurrency: overlapping batches never deadlock (rows are locked and
written in slug order whatever the input order), and each item ends created once, then
updated or unchanged, with its events."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx

from app.outbox.events import EventOrigin
from app.reports import service as reports
from app.reports.schemas import ReportIn
from db.session import Database
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, count_reports, item, outbox_events

URL = REPORTS.format("acme")
SLUGS = [f"r{n:03d}" for n in range(60)]


def shuffled(seed: int) -> list[str]:
    slugs = list(SLUGS)
    random.Random(seed).shuffle(slugs)
    return slugs


async def test_overlapping_batches_in_any_order_all_succeed(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.post(URL, json=batch(*(item(s) for s in SLUGS[::2])), headers=tenant_keys.headers)

    async def post(seed: int) -> httpx.Response:
        items = [
            item(s, title=f"rev {seed}", publishedAt="2026-11-01T10:00:00Z") for s in shuffled(seed)
        ]
        return await client.post(URL, json=batch(*items), headers=tenant_keys.headers)

    responses = await asyncio.gather(*(post(seed) for seed in range(6)))
    assert [r.status_code for r in responses] == [200] * 6, [r.text[:200] for r in responses]
    assert await count_reports(db) == len(SLUGS)
    results = Counter(entry["result"] for r in responses for entry in r.json()["data"])
    # The odd slugs were created by exactly one batch; every other write replaced a title.
    assert results["created"] == len(SLUGS) // 2
    assert results["created"] + results["updated"] + results["unchanged"] == 6 * len(SLUGS)
    events = Counter((e.event_type, e.payload["slug"]) for e in await outbox_events(db))
    for slug in SLUGS:
        assert events[("report.created", slug)] == 1
        assert events[("report.published", slug)] == 1


async def test_identical_concurrent_batches_create_once_and_find_the_rest_unchanged(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    body = batch(*(item(s, content={"n": s}) for s in SLUGS))
    responses = await asyncio.gather(
        *(client.post(URL, json=body, headers=tenant_keys.headers) for _ in range(4))
    )
    assert [r.status_code for r in responses] == [200] * 4
    summaries = sorted(
        (r.json()["summary"]["created"], r.json()["summary"]["unchanged"]) for r in responses
    )
    assert sum(created for created, _ in summaries) == len(SLUGS)
    assert all(created + unchanged == len(SLUGS) for created, unchanged in summaries)
    reports = [[e["report"] for e in r.json()["data"]] for r in responses]
    assert all(answer == reports[0] for answer in reports)
    assert len(await outbox_events(db)) == len(SLUGS)


async def test_a_batch_that_waited_for_another_sees_what_that_one_created_and_published(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    published = "2026-11-01T10:00:00Z"
    await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
    async with db.unit_of_work() as session:
        await reports.upsert_batch(
            session,
            tenant_id=tenant_keys.tenant.id,
            items=[ReportIn.model_validate(item("late", title="first", publishedAt=published))],
            origin=EventOrigin(None),
        )
        second = asyncio.create_task(
            client.post(
                URL,
                json=batch(item("late", title="second", publishedAt=published)),
                headers=tenant_keys.headers,
            )
        )
        await asyncio.sleep(0.5)
        assert not second.done()  # it waits for the first batch's locks
    response = await second
    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["result"] == "updated"
    events = Counter((e.event_type, e.payload["title"]) for e in await outbox_events(db))
    assert events == {
        ("report.created", "first"): 1,
        ("report.published", "first"): 1,
        ("report.updated", "second"): 1,
    }
