"""CONTRACT.md §1: a database outage (stopped, starting up) is a 503 `service_unavailable` with
Retry-After on every face, never a 500; a subscription's socket is closed with 1013; shed load
is a 503 `overloaded`, counted and not logged as an outage; the pool reuses its connections.

The outages are real: a PostgreSQL cluster of the test's own, stopped and started again."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from app.core.config import Settings
from app.core.outages import is_outage
from app.webhooks.delivery import claim_deliveries, delivery_loop_database, record_attempts
from db.create_database import ensure_database
from db.migrate import upgrade_to_head
from db.session import Database
from jobs.relay import OutboxRelay
from tests.api.test_http_conventions import assert_error
from tests.asgi import runtime_of, serve
from tests.automation_runs.helpers import CALLBACK, RUNS
from tests.automation_runs.test_callbacks import signed
from tests.conftest import make_settings
from tests.factories import Keys, bearer, make_endpoint, make_key, make_tenant
from tests.graphql.helpers import GRAPHQL
from tests.graphql.sockets import connect, receive
from tests.graphql.test_subscription import following_a_new_run
from tests.live import live_server
from tests.logs import parsed
from tests.postgres_server import PostgresServer, own_postgres
from tests.rate_limit.helpers import metric_delta, scrape
from tests.receiver import Answer, running_receiver
from tests.reports.helpers import REPORTS, batch, item
from tests.worker.process import running_workers, worker_env

LATEST = {"query": "{ latestReport { id } }"}


@pytest.fixture
async def private_pg() -> AsyncIterator[PostgresServer]:
    with own_postgres() as server:
        url = server.url("aetherflow")
        await ensure_database(url)
        await asyncio.to_thread(upgrade_to_head, url)
        yield server


async def seeded(
    server: PostgresServer, redis_url: str, *, webhook_url: str | None = None
) -> tuple[Settings, str, str]:
    """Settings for the private cluster, and two keys of one tenant in it (with an endpoint
    at `webhook_url`, if given)."""
    settings = make_settings(
        server.url("aetherflow"), redis_url, webhook_allow_http=True,
        webhook_allow_private_targets=True,
    )  # fmt: skip
    db = Database.connect(server.url("aetherflow"), pool_size=1)
    try:
        tenant = await make_tenant(db, slug="acme")
        if webhook_url is not None:
            await make_endpoint(db, settings, tenant, webhook_url)
        return settings, await make_key(db, settings, tenant), await make_key(db, settings, tenant)
    finally:
        await db.dispose()


def assert_unavailable(response: httpx.Response) -> None:
    """503 `service_unavailable` with Retry-After, in the face's own body."""
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    if "errors" in body:
        codes = [error["extensions"]["code"] for error in body["errors"]]
        assert codes, body
        assert set(codes) == {"service_unavailable"}, body
    else:
        assert_error(response, 503, "service_unavailable")


async def every_face(client: httpx.AsyncClient, key: str) -> list[httpx.Response]:
    headers = bearer(key)
    callback = json.dumps({"correlationId": "c-1", "status": "running"})
    return [
        await client.post(REPORTS.format("acme"), json=batch(item("b")), headers=headers),
        await client.get(REPORTS.format("acme"), headers=headers),
        await client.post(RUNS.format("acme"), json={"flowId": "f"}, headers=headers),
        await client.post(GRAPHQL.format("acme"), json=LATEST, headers=headers),
        await client.post(CALLBACK.format("acme"), content=callback, headers=signed(callback)),
    ]


async def test_a_database_outage_is_503_on_every_face(
    private_pg: PostgresServer, redis_url: str, log_lines: io.StringIO
) -> None:
    settings, cached_key, fresh_key = await seeded(private_pg, redis_url)
    async with serve(settings) as client:
        written = await client.post(
            REPORTS.format("acme"), json=batch(item("a")), headers=bearer(cached_key)
        )
        assert written.status_code == 200, written.text
        for state in ("stopped", "starting up"):
            private_pg.stop()
            if state == "starting up":
                private_pg.start(standby=True)
            # A key verified before the outage reaches the handlers; a new one fails earlier.
            for response in await every_face(client, cached_key):
                assert_unavailable(response)
            for response in await every_face(client, fresh_key):
                assert_unavailable(response)
            assert (await client.get("/ready")).status_code == 503
        private_pg.stop()
        private_pg.start()
        private_pg.wait_ready()
        statuses: list[int] = []
        async with asyncio.timeout(60):
            while not statuses or statuses[-1] != 200:
                response = await client.post(
                    REPORTS.format("acme"), json=batch(item("c")), headers=bearer(fresh_key)
                )
                statuses.append(response.status_code)
        assert set(statuses) <= {200, 503}
    lines = parsed(log_lines)
    assert not [line for line in lines if line["level"] in {"ERROR", "CRITICAL"}]
    assert any(str(line["message"]).startswith("dependency unavailable") for line in lines)


async def test_a_subscription_is_closed_with_1013_when_the_database_goes(
    private_pg: PostgresServer, redis_url: str
) -> None:
    settings, key, fresh_key = await seeded(private_pg, redis_url)
    async with live_server(settings) as base_url:
        async with following_a_new_run(base_url, key) as socket:
            private_pg.stop()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(socket)  # the quiet-interval re-read meets the outage
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "service_unavailable")
        # Authenticating a new connection needs the database too.
        refused = await connect(base_url, "acme", f"Bearer {fresh_key}")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await receive(refused)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1013


async def test_no_free_connection_is_503_overloaded_and_not_an_outage(
    database_url: str, redis_url: str, db: Database, tenant_keys: Keys, log_lines: io.StringIO
) -> None:
    settings = make_settings(
        database_url, redis_url, database_pool_size=1, database_pool_timeout_seconds=0.2
    )
    async with serve(settings) as client:
        warm = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
        assert warm.status_code == 200
        before = await scrape(client)
        async with runtime_of(client).db.engine.connect() as held:
            await held.execute(text("SELECT 1"))
            rest = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
            graphql = await client.post(
                GRAPHQL.format("acme"), json=LATEST, headers=tenant_keys.headers
            )
        after = await scrape(client)
        served = await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)
    assert_error(rest, 503, "overloaded")
    assert rest.headers["retry-after"] == "1"
    assert graphql.status_code == 503, graphql.text
    assert graphql.headers["retry-after"] == "1"
    assert [e["extensions"]["code"] for e in graphql.json()["errors"]] == ["overloaded"]
    assert metric_delta(before, after, "aetherflow_overloaded_total") == 2
    assert served.status_code == 200
    lines = parsed(log_lines)
    assert not [line for line in lines if line["level"] in {"WARNING", "ERROR", "CRITICAL"}]


async def test_steady_load_reuses_the_pools_connections(
    database_url: str, redis_url: str, db: Database, tenant_keys: Keys
) -> None:
    settings = make_settings(
        database_url, redis_url, database_pool_size=3, database_pool_timeout_seconds=30
    )
    opened: list[Any] = []
    async with serve(settings) as client:
        engine = runtime_of(client).db.engine
        event.listen(engine.sync_engine, "connect", lambda *_: opened.append(1))

        async def reader() -> list[int]:
            return [
                (await client.get(REPORTS.format("acme"), headers=tenant_keys.headers)).status_code
                for _ in range(25)
            ]

        statuses = [status for batch_ in await asyncio.gather(*[reader() for _ in range(12)])
                    for status in batch_]  # fmt: skip
    assert set(statuses) == {200}
    assert len(opened) <= 3


async def test_every_write_accepted_around_a_database_restart_is_delivered(
    private_pg: PostgresServer, redis_url: str, cli_env: dict[str, str]
) -> None:
    """The worker outlives the outage and delivers every write answered 200; the ones refused
    with 503 committed nothing."""
    accepted: list[str] = []
    async with running_receiver() as receiver:
        settings, key, _ = await seeded(
            private_pg, redis_url, webhook_url=receiver.script("/hook", Answer(200))
        )
        database_url = private_pg.url("aetherflow").replace("+asyncpg", "")
        with running_workers(worker_env(cli_env, database_url=database_url)) as [worker]:
            async with serve(settings) as client:

                async def write(slug: str) -> int:
                    response = await client.post(
                        REPORTS.format("acme"), json=batch(item(slug)), headers=bearer(key)
                    )
                    if response.status_code == 200:
                        accepted.append(slug)
                    return response.status_code

                assert await write("before") == 200
                private_pg.stop()
                assert {await write(f"during-{n}") for n in range(5)} == {503}
                private_pg.start()
                private_pg.wait_ready()
                async with asyncio.timeout(60):
                    while await write(f"after-{len(accepted)}") != 200:
                        await asyncio.sleep(0.2)
            requests = await receiver.wait_for("/hook", len(accepted))
            assert await worker.terminate() == 0, worker.output()
    assert sorted(json.loads(r.body)["data"]["slug"] for r in requests) == sorted(accepted)


async def test_the_worker_statements_fail_as_outages_and_reconnect_after(
    private_pg: PostgresServer, redis_url: str
) -> None:
    """The delivery loop's claims and records and the relay, sent as the driver's SQL, still
    fail as outages (so they are logged as such) and find a fresh connection once it is back."""
    settings, _, _ = await seeded(private_pg, redis_url, webhook_url="http://127.0.0.1:9/hook")
    loop_db = delivery_loop_database(settings, connections=1)
    db = Database.connect(settings.sqlalchemy_url, pool_size=1)
    relay = OutboxRelay(db, on_deliveries=lambda: None)

    async def statements() -> None:
        assert await claim_deliveries(loop_db, settings, limit=1, holder=None) == []
        assert (await record_attempts(loop_db, settings, [])).reports == []
        assert await relay.run() == 0

    try:
        await statements()
        private_pg.stop()
        for failing in (
            claim_deliveries(loop_db, settings, limit=1, holder=None),
            record_attempts(loop_db, settings, []),
            relay.run(),
        ):
            with pytest.raises((DBAPIError, OSError)) as failed:
                await failing
            assert is_outage(failed.value), repr(failed.value)
        private_pg.start()
        private_pg.wait_ready()
        await statements()
    finally:
        await loop_db.dispose()
        await db.dispose()
