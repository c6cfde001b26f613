"""CONTRACT.md §5: batch upsert, all or nothing, with outbox events in the same transaction."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.benchmarks.engine_probe import statement_counter, transactions_begun
from tests.factories import Keys
from tests.reports.helpers import REPORTS, batch, count_reports, item, outbox_events

RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
URL = REPORTS.format("acme")


async def post(client: httpx.AsyncClient, keys: Keys, body: Any, **headers: str) -> httpx.Response:
    return await client.post(URL, json=body, headers={**keys.headers, **headers})


async def test_creates_reports_in_input_order(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    response = await post(
        client,
        tenant_keys,
        batch(
            item("zeta", content={"a": [1, 2]}, summary="S", publishedAt="2026-11-01T10:00:00Z"),
            item("alpha"),
        ),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert [entry["result"] for entry in body["data"]] == ["created", "created"]
    zeta, alpha = (entry["report"] for entry in body["data"])
    assert set(zeta) == {
        "id",
        "slug",
        "title",
        "summary",
        "content",
        "publishedAt",
        "createdAt",
        "updatedAt",
    }
    assert zeta["slug"] == "zeta"
    assert zeta["content"] == {"a": [1, 2]}
    assert zeta["publishedAt"] == "2026-11-01T10:00:00.000Z"
    assert RFC3339_Z.match(zeta["createdAt"])
    assert RFC3339_Z.match(zeta["updatedAt"])
    assert alpha == {**alpha, "summary": None, "content": {}, "publishedAt": None}
    assert response.headers["content-type"] == "application/json"
    assert "idempotent-replayed" not in response.headers


async def test_same_batch_again_is_unchanged_and_emits_nothing(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    body = batch(
        item("a", content={"x": 1, "y": {"z": [1, 2]}}, publishedAt="2026-11-01T12:00:00+02:00"),
        item("b", summary="s"),
    )
    first = (await post(client, tenant_keys, body)).json()
    events_before = len(await outbox_events(db))
    same_meaning = batch(
        item("a", content={"y": {"z": [1, 2]}, "x": 1.0}, publishedAt="2026-11-01T10:00:00.000Z"),
        item("b", summary="s", content={}, publishedAt=None),
    )
    second = (await post(client, tenant_keys, same_meaning)).json()
    assert second["summary"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert [entry["result"] for entry in second["data"]] == ["unchanged", "unchanged"]
    assert [e["report"] for e in second["data"]] == [e["report"] for e in first["data"]]
    assert len(await outbox_events(db)) == events_before


async def test_changed_item_is_updated_and_replaced_whole(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    first = (
        await post(client, tenant_keys, batch(item("a", summary="s", content={"k": 1})))
    ).json()
    second = (await post(client, tenant_keys, batch(item("a", title="New")))).json()
    [entry] = second["data"]
    assert entry["result"] == "updated"
    report = entry["report"]
    assert report["title"] == "New"
    assert report["summary"] is None
    assert report["content"] == {}
    assert report["id"] == first["data"][0]["report"]["id"]
    assert report["createdAt"] == first["data"][0]["report"]["createdAt"]
    assert report["updatedAt"] > first["data"][0]["report"]["updatedAt"]
    assert [e.event_type for e in await outbox_events(db)] == ["report.created", "report.updated"]


async def test_events_carry_the_representation_and_correlation_id(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    response = await post(
        client,
        tenant_keys,
        batch(item("a", publishedAt="2026-11-01T10:00:00Z"), item("b")),
        **{"X-Correlation-Id": "corr-1"},
    )
    reports = {e["report"]["slug"]: e["report"] for e in response.json()["data"]}
    events = await outbox_events(db)
    assert sorted((e.event_type, e.payload["slug"]) for e in events) == [
        ("report.created", "a"),
        ("report.created", "b"),
        ("report.published", "a"),
    ]
    for row in events:
        assert row.payload == reports[row.payload["slug"]]
        assert row.correlation_id == "corr-1"
        assert row.tenant_id == tenant_keys.tenant.id
        assert row.relayed_at is None
    assert len({row.id for row in events}) == 3


async def test_publishing_a_draft_emits_report_published_once(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await post(client, tenant_keys, batch(item("a")))
    await post(client, tenant_keys, batch(item("a", publishedAt="2026-11-01T10:00:00Z")))
    await post(client, tenant_keys, batch(item("a", publishedAt="2026-11-02T10:00:00Z")))
    await post(client, tenant_keys, batch(item("a")))
    assert [e.event_type for e in await outbox_events(db)] == [
        "report.created",
        "report.updated",
        "report.published",
        "report.updated",
        "report.updated",
    ]


async def test_future_published_at_is_allowed(client: httpx.AsyncClient, tenant_keys: Keys) -> None:
    response = await post(client, tenant_keys, batch(item("a", publishedAt="2099-01-01T00:00:00Z")))
    assert response.status_code == 200
    latest = await client.get(f"{URL}/latest", headers=tenant_keys.headers)
    assert latest.json()["data"]["slug"] == "a"


async def test_batch_of_500_is_accepted_and_501_rejected(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    items = [item(f"r-{index}") for index in range(501)]
    rejected = await post(client, tenant_keys, batch(*items))
    error = assert_error(rejected, 422, "validation_error")
    assert [d["path"] for d in error["details"]] == ["reports"]
    assert await count_reports(db) == 0
    accepted = await post(client, tenant_keys, batch(*items[:500]))
    assert accepted.status_code == 200
    assert accepted.json()["summary"] == {"created": 500, "updated": 0, "unchanged": 0}
    assert await count_reports(db) == 500


async def test_one_invalid_item_rejects_the_whole_batch(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await post(client, tenant_keys, batch(item("kept", title="Original")))
    events_before = len(await outbox_events(db))
    response = await post(
        client,
        tenant_keys,
        batch(item("kept", title="Changed"), item("b"), item("c"), item("d", title="")),
    )
    error = assert_error(response, 422, "validation_error")
    assert [d["path"] for d in error["details"]] == ["reports.3.title"]
    assert await count_reports(db) == 1
    assert len(await outbox_events(db)) == events_before
    kept = await client.get(f"{URL}/kept", headers=tenant_keys.headers)
    assert kept.json()["data"]["title"] == "Original"


async def test_repeated_slug_names_the_later_occurrence(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    response = await post(client, tenant_keys, batch(item("a"), item("b"), item("a")))
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == [
        {"path": "reports.2.slug", "message": "slug repeated in this batch"}
    ]
    assert await count_reports(db) == 0


@pytest.mark.parametrize(
    ("report", "path"),
    [
        (item("Upper"), "reports.0.slug"),
        (item("-lead"), "reports.0.slug"),
        (item("a" * 201), "reports.0.slug"),
        (item("a", title="t" * 301), "reports.0.title"),
        (item("a", summary="s" * 2001), "reports.0.summary"),
        (item("a", content=[1]), "reports.0.content"),
        (item("a", content={"big": "x" * (256 * 1024)}), "reports.0.content"),
        (item("a", publishedAt="2026-11-01T10:00:00"), "reports.0.publishedAt"),
        (item("a", publishedAt="yesterday"), "reports.0.publishedAt"),
        (item("a", publishedAt="0001-01-01T00:00:00+01:00"), "reports.0.publishedAt"),
        (item("a", publishedAt="9999-12-31T23:59:59-05:00"), "reports.0.publishedAt"),
        (item("a", unknownField=1), "reports.0.unknownField"),
        ({"title": "no slug"}, "reports.0.slug"),
    ],
)
async def test_invalid_items_are_422_with_their_path(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, report: Any, path: str
) -> None:
    response = await post(client, tenant_keys, batch(report))
    error = assert_error(response, 422, "validation_error")
    assert path in [d["path"] for d in error["details"]]
    assert await count_reports(db) == 0


@pytest.mark.parametrize("body", [{}, {"reports": []}, {"reports": "x"}, [], "text"])
async def test_malformed_batches_are_422(
    client: httpx.AsyncClient, tenant_keys: Keys, body: Any
) -> None:
    assert_error(await post(client, tenant_keys, body), 422, "validation_error")


async def test_content_of_exactly_256_kib_is_accepted(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    filler = "x" * (256 * 1024 - len('{"k":""}'))
    response = await post(client, tenant_keys, batch(item("a", content={"k": filler})))
    assert response.status_code == 200


async def test_integers_beyond_64_bits_come_back_exactly(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    content = {"big": 123456789012345678901234567890, "neg": -(2**70), "small": 7, "f": 0.1}
    written = await post(client, tenant_keys, batch(item("big", content=content)))
    assert written.status_code == 200
    assert written.json()["data"][0]["report"]["content"] == content
    read = await client.get(f"{URL}/big", headers=tenant_keys.headers)
    assert read.json()["data"]["content"] == content
    assert "123456789012345678901234567890" in read.text
    [event] = await outbox_events(db)
    assert event.payload["content"] == content


async def test_statement_count_does_not_grow_with_the_batch(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
    counts: list[tuple[int, int]] = []
    for size, prefix in ((1, "one"), (500, "many"), (500, "many")):
        items = [item(f"{prefix}-{i}", publishedAt="2026-11-01T10:00:00Z") for i in range(size)]
        with statement_counter() as counted, transactions_begun() as begun:
            response = await post(
                client, tenant_keys, batch(*items), **{"Idempotency-Key": f"{prefix}{len(counts)}"}
            )
        assert response.status_code == 200
        counts.append((counted(), begun()))
    # the key's lock, the stored key, the write (locks, upsert, events), the stored response;
    # in one transaction
    assert counts == [(4, 1), (4, 1), (4, 1)]


async def test_a_write_without_an_idempotency_key_is_one_statement_and_no_transaction(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    await client.get(URL, headers=tenant_keys.headers)  # the key is verified and cached
    for body in (
        batch(item("a", publishedAt="2026-11-01T10:00:00Z"), item("b")),  # created
        batch(item("a", title="new"), item("b")),  # updated, unchanged
        batch(item("a", title="new"), item("b")),  # unchanged
    ):
        with statement_counter() as counted, transactions_begun() as begun:
            response = await post(client, tenant_keys, body)
        assert response.status_code == 200, response.text
        assert (counted(), begun()) == (1, 0)
    assert [(e.event_type, e.payload["slug"]) for e in await outbox_events(db)] == [
        ("report.created", "a"),
        ("report.published", "a"),
        ("report.created", "b"),
        ("report.updated", "a"),
    ]


async def test_scope_and_tenant_are_enforced(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    other = await client.post(
        URL, json=batch(item("a")), headers={"Authorization": f"Bearer {tenant_keys.other_key}"}
    )
    assert_error(other, 403, "tenant_forbidden")
    assert await count_reports(db) == 0


async def test_texts_and_offsets_are_stored_as_sent(
    client: httpx.AsyncClient, tenant_keys: Keys
) -> None:
    title = 'Quote " back \\ é 😀 \u2028 {"not": "json"}'
    sent = item(
        "texts",
        title=title,
        summary="line\nbreak",
        content={"t": title, "n": [1, 2.5, None]},
        publishedAt="2026-11-01T10:00:00.123456+05:30",
    )
    first = await post(client, tenant_keys, batch(sent))
    report = first.json()["data"][0]["report"]
    assert (report["title"], report["summary"]) == (title, "line\nbreak")
    assert report["publishedAt"] == "2026-11-01T04:30:00.123Z"
    read = await client.get(f"{URL}/texts", headers=tenant_keys.headers)
    assert read.json()["data"] == report
    again = await post(client, tenant_keys, batch(sent))
    assert again.json()["data"] == [{"result": "unchanged", "report": report}]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("0001-01-01T00:00:00.5Z", "0001-01-01T00:00:00.500Z"),
        ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999Z"),
        ("0001-01-01T00:30:00+00:30", "0001-01-01T00:00:00.000Z"),
        ("2597-10-03T05:44:45-22:45", "2597-10-04T04:29:45.000Z"),
        ("2026-11-01T23:59:00+23:59", "2026-11-01T00:00:00.000Z"),
    ],
)
async def test_published_at_at_the_ends_of_the_range_is_stored(
    client: httpx.AsyncClient, tenant_keys: Keys, sent: str, shown: str
) -> None:
    response = await post(client, tenant_keys, batch(item("edge", publishedAt=sent)))
    assert response.json()["data"][0]["report"]["publishedAt"] == shown
