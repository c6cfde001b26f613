"""CONTRACT.md §3: a revocation takes effect on every API process within one second.

The API processes here trust a verified key from memory for 60 s (API_KEY_CACHE_SECONDS), so
only the announcement on Redis, or the cache clearing after a resubscription, can explain a
revoked key being refused sooner.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import IO

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import select, text

from app.bootstrap import Runtime, connect_redis
from app.core.config import Settings
from app.core.errors import Unauthenticated
from app.core.queue import create_broker
from app.tenants import service as tenants
from app.tenants.auth import KeyVerifier
from app.tenants.revocations import CHANNEL, RevocationListener, RevocationPublisher
from db.models.api_key import ApiKey
from db.session import Database
from tests.api.test_http_conventions import assert_error
from tests.asgi import runtime_of
from tests.conftest import make_settings
from tests.factories import Keys, bearer
from tests.live import free_port
from tests.worker.process import own_redis

CACHE_SECONDS = "60"
# The contract's target is 1 s; a heavily loaded 2-core test machine gets three.
REFUSED_WITHIN_SECONDS = 3.0
# How long to keep asking before concluding the key is still accepted (only failures wait).
GIVE_UP_AFTER_SECONDS = 20.0
POLL_SECONDS = 0.1
# The resubscription comes about a second after Redis is back; well under the 60 s cache.
RESUBSCRIBED_WITHIN_SECONDS = 10.0
REPORTS = "/v1/tenants/acme/reports"
API_COMMAND = (sys.executable, "-m", "app.cli", "api", "--host", "127.0.0.1")


@asynccontextmanager
async def api_processes(env: dict[str, str], count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`count` real `aetherflow api` processes, each ready, each behind its own client."""
    ports = [free_port() for _ in range(count)]
    with ExitStack() as files:
        logs = [files.enter_context(tempfile.TemporaryFile()) for _ in ports]
        processes = [
            subprocess.Popen(
                [*API_COMMAND, "--port", str(port)],
                env={**env, "API_KEY_CACHE_SECONDS": CACHE_SECONDS},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for port, log in zip(ports, logs, strict=True)
        ]
        try:
            async with AsyncExitStack() as stack:
                clients = [
                    await stack.enter_async_context(
                        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")
                    )
                    for port in ports
                ]
                for client, log in zip(clients, logs, strict=True):
                    await _until_ready(client, log)
                yield clients
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)


async def _until_ready(client: httpx.AsyncClient, log: IO[bytes]) -> None:
    try:
        async with asyncio.timeout(60):
            while True:
                try:
                    if (await client.get("/ready")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
    except TimeoutError:
        log.seek(0)
        raise AssertionError(f"{client.base_url} never ready:\n{log.read().decode()}") from None


async def aetherflow(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the CLI without blocking the loop; its exit status, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def revoke(env: dict[str, str], prefix: str) -> tuple[datetime, str]:
    """Revoke through the CLI: the revocation time it reports, and its stderr."""
    status, stdout, stderr = await aetherflow(
        env, "keys", "revoke", "--tenant", "acme", "--prefix", prefix, "--json"
    )
    assert status == 0, stderr
    revoked_at = datetime.fromisoformat(json.loads(stdout)["revokedAt"])
    return revoked_at, stderr


async def first_refusal(
    client: httpx.AsyncClient, key: str, give_up: asyncio.Event
) -> datetime | None:
    """Ask until the key is refused: the moment of the first refusal, or None on giving up."""
    while not give_up.is_set():
        response = await client.get(REPORTS, headers=bearer(key))
        if response.status_code != 200:
            assert_error(response, 401, "unauthenticated")
            return datetime.now(UTC)
        await asyncio.sleep(POLL_SECONDS)
    return None


async def refusals_while(
    clients: Sequence[httpx.AsyncClient], key: str, action: Awaitable[object]
) -> list[datetime]:
    """Poll every process while `action` runs, and for a while after it; each first refusal."""
    give_up = asyncio.Event()
    polls = [asyncio.create_task(first_refusal(client, key, give_up)) for client in clients]
    await action
    await asyncio.wait(polls, timeout=GIVE_UP_AFTER_SECONDS)
    give_up.set()
    refused = await asyncio.gather(*polls)
    accepting = [
        str(client.base_url) for client, at in zip(clients, refused, strict=True) if at is None
    ]
    assert not accepting, f"still accept the key {GIVE_UP_AFTER_SECONDS} s later: {accepting}"
    return [at for at in refused if at is not None]


async def test_a_cli_revocation_reaches_every_api_process_at_once(
    cli_env: dict[str, str], tenant_keys: Keys
) -> None:
    key = tenant_keys.key
    async with api_processes(cli_env, 2) as clients:
        for client in clients:  # now cached in both, for 60 s
            assert (await client.get(REPORTS, headers=bearer(key))).status_code == 200
        revoking = asyncio.create_task(revoke(cli_env, key.split("_")[1]))
        refused = await refusals_while(clients, key, revoking)
    revoked_at, stderr = revoking.result()
    assert stderr == ""
    delays = [round((moment - revoked_at).total_seconds(), 3) for moment in refused]
    print(f"revoked key refused by the two API processes {delays} s after revokedAt")  # noqa: T201
    assert max(delays) <= REFUSED_WITHIN_SECONDS, delays


async def test_revoking_with_redis_down_succeeds_and_warns(
    cli_env: dict[str, str], tenant_keys: Keys, db: Database
) -> None:
    prefix = tenant_keys.key.split("_")[1]
    env = {**cli_env, "REDIS_URL": "redis://127.0.0.1:1/0"}
    status, stdout, stderr = await aetherflow(
        env, "keys", "revoke", "--tenant", "acme", "--prefix", prefix
    )
    assert status == 0, stderr
    assert stdout == f"revoked key {prefix}\n"
    [warning] = stderr.strip().splitlines()
    assert warning.startswith("aetherflow: warning: ")
    assert "within API_KEY_CACHE_SECONDS (5 s)" in warning
    async with db.unit_of_work() as session:
        revoked_at = await session.scalar(select(ApiKey.revoked_at).where(ApiKey.prefix == prefix))
    assert revoked_at is not None


async def test_a_revocation_missed_while_redis_was_down_applies_once_it_is_back(
    cli_env: dict[str, str], tenant_keys: Keys
) -> None:
    """The announcement is lost while Redis is down; resubscribing clears the whole cache."""
    key = tenant_keys.key
    with own_redis() as redis_server:
        env = {**cli_env, "REDIS_URL": redis_server.url}
        async with api_processes(env, 2) as clients:
            for client in clients:
                assert (await client.get(REPORTS, headers=bearer(key))).status_code == 200
            redis_server.stop()
            _, stderr = await revoke(env, key.split("_")[1])
            assert "API_KEY_CACHE_SECONDS" in stderr
            for client in clients:  # nothing could tell them: still trusted from the cache
                assert (await client.get(REPORTS, headers=bearer(key))).status_code == 200

            async def restart() -> datetime:
                await asyncio.to_thread(redis_server.start)
                return datetime.now(UTC)

            restarting = asyncio.create_task(restart())
            refused = await refusals_while(clients, key, restarting)
    delays = [round((moment - restarting.result()).total_seconds(), 3) for moment in refused]
    print(f"missed revocation applied {delays} s after Redis came back")  # noqa: T201
    assert max(delays) <= RESUBSCRIBED_WITHIN_SECONDS, delays


async def test_a_key_loaded_while_an_eviction_arrives_is_not_cached(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """The load may have read the row before the revocation committed: it must not be kept."""
    verifier = KeyVerifier(db, pepper=settings.pepper, cache_seconds=60)
    prefix = tenant_keys.key.split("_")[1]
    async with db.unit_of_work() as blocker:
        await blocker.execute(text("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"))
        loading = asyncio.create_task(verifier.verify(tenant_keys.key))
        await _until_a_query_waits_for(db, "api_keys")
        verifier.forget(prefix)
    assert (await loading).prefix == prefix
    async with db.unit_of_work() as session:  # revoked, and nobody announces it
        await tenants.revoke_key(session, tenant_id=tenant_keys.tenant.id, prefix=prefix)
    with pytest.raises(Unauthenticated):
        await verifier.verify(tenant_keys.key)


async def _until_a_query_waits_for(db: Database, table: str) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = CAST(:t AS regclass)"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    async with asyncio.timeout(30):
        while True:
            async with db.unit_of_work() as session:
                if await session.scalar(waiting, {"t": table}):
                    return
            await asyncio.sleep(0.02)


async def test_an_announced_revocation_evicts_the_key_from_a_process_cache(
    db: Database, settings: Settings, tenant_keys: Keys, redis: Redis
) -> None:
    verifier = KeyVerifier(db, pepper=settings.pepper, cache_seconds=60)
    listener = RevocationListener(redis, verifier)
    await listener.start()
    try:
        await _until(lambda: _is_subscribed(listener))
        key = tenant_keys.key
        await verifier.verify(key)
        prefix = await _revoke_unannounced(db, tenant_keys)
        await verifier.verify(key)  # still trusted from the cache
        await RevocationPublisher(redis).publish([prefix])
        async with asyncio.timeout(REFUSED_WITHIN_SECONDS):
            while await _accepted(verifier, key):
                await asyncio.sleep(0.01)
    finally:
        await listener.close()


async def test_the_api_runtime_announces_committed_revocations_only(
    client: httpx.AsyncClient, tenant_keys: Keys, redis: Redis
) -> None:
    """Any face revoking through the runtime's database (a future REST or GraphQL revoke)."""
    runtime = runtime_of(client)
    rolled_back = tenant_keys.key.split("_")[1]
    committed = tenant_keys.other_key.split("_")[1]
    pubsub = redis.pubsub()
    await pubsub.subscribe(CHANNEL)
    try:
        with pytest.raises(RuntimeError):
            await _revoke_then_fail(runtime.db, tenant_keys.tenant.id, rolled_back)
        async with runtime.db.unit_of_work() as session:
            await tenants.revoke_key(
                session, tenant_id=tenant_keys.other_tenant.id, prefix=committed
            )
        announced: list[str] = []
        async with asyncio.timeout(REFUSED_WITHIN_SECONDS):
            while committed not in announced:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    announced.append(message["data"].decode())
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    assert rolled_back not in announced


async def test_only_the_api_listens_and_it_stops_on_close(database_url: str, db: Database) -> None:
    with own_redis() as redis_server:
        settings = make_settings(database_url, redis_server.url)
        redis = Redis.from_url(redis_server.url)
        try:
            api = await Runtime.start(settings)
            await _until(lambda: _one_subscriber(redis))
            await api.close()
            await _until(lambda: _no_subscribers(redis))
            broker = create_broker(redis_server.url)
            worker = await Runtime.start(settings, broker=broker)
            assert worker.revocation_listener is None
            assert await _no_subscribers(redis)
            await worker.close()
        finally:
            await redis.aclose()


async def test_a_connection_that_goes_silent_is_replaced_and_the_cache_cleared(
    db: Database, settings: Settings, tenant_keys: Keys
) -> None:
    """A frozen Redis keeps the connection open but answers nothing, like a dropped network."""
    with own_redis() as redis_server:
        redis = connect_redis(redis_server.url)
        verifier = KeyVerifier(db, pepper=settings.pepper, cache_seconds=60)
        listener = RevocationListener(redis, verifier, resubscribe_delay=0.2, keepalive=0.3)
        await listener.start()
        assert redis_server.process is not None
        pid = redis_server.process.pid
        try:
            key = tenant_keys.key
            await verifier.verify(key)
            os.kill(pid, signal.SIGSTOP)
            await _revoke_unannounced(db, tenant_keys)

            async def unsubscribed() -> bool:
                return not listener.subscribed

            async def refused() -> bool:
                return not await _accepted(verifier, key)

            await _until(unsubscribed)
            os.kill(pid, signal.SIGCONT)
            await _until(refused)
        finally:
            os.kill(pid, signal.SIGCONT)
            await listener.close()
            await redis.aclose()


async def _revoke_then_fail(db: Database, tenant_id: uuid.UUID, prefix: str) -> None:
    async with db.unit_of_work() as session:
        await tenants.revoke_key(session, tenant_id=tenant_id, prefix=prefix)
        raise RuntimeError("rolled back")


async def _revoke_unannounced(db: Database, keys: Keys) -> str:
    """Revoke through a database with no after-commit hooks: nobody hears of it."""
    prefix = keys.key.split("_")[1]
    async with db.unit_of_work() as session:
        await tenants.revoke_key(session, tenant_id=keys.tenant.id, prefix=prefix)
    return prefix


async def _accepted(verifier: KeyVerifier, key: str) -> bool:
    try:
        await verifier.verify(key)
    except Unauthenticated:
        return False
    return True


async def _subscribers(redis: Redis) -> int:
    [(_, count)] = await redis.pubsub_numsub(CHANNEL)
    return int(count)


async def _no_subscribers(redis: Redis) -> bool:
    return await _subscribers(redis) == 0


async def _one_subscriber(redis: Redis) -> bool:
    return await _subscribers(redis) == 1


async def _is_subscribed(listener: RevocationListener) -> bool:
    return listener.subscribed


async def _until(condition: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(30):
        while not await condition():
            await asyncio.sleep(0.05)
