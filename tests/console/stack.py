"""The whole system as an operator runs it, for the console's browser tests: an API process
serving the built console, a worker process, a Redis server of their own, a database of their
own, and a local webhook receiver; the tests drive Debian's chromium against it."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.core.config import Settings
from app.tenants.keys import SCOPES
from db.create_database import recreate_database
from db.migrate import upgrade_to_head
from db.session import Database
from tests.chaos.stack import Service, run_cli, service_env, wait_until_ready
from tests.factories import make_key, make_tenant
from tests.live import free_port
from tests.receiver import Receiver, running_receiver
from tests.worker.process import RedisServer

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
MANIFEST = WEB / "src" / "gql" / "persisted-documents.json"
# Generous enough for a test's page loads within a minute; the rate-limit test spends it.
GRAPHQL_POINTS_PER_MINUTE = 20_000
PG_SERVER = os.environ.get("AETHERFLOW_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class TenantAccess:
    slug: str
    id: uuid.UUID
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class ConsoleStack:
    base_url: str
    settings: Settings
    db: Database
    receiver: Receiver
    api: Service
    worker: Service
    env: dict[str, str]

    @property
    def console_url(self) -> str:
        return f"{self.base_url}/console/"

    async def new_tenant(
        self, *, scopes: Sequence[str] = SCOPES, slug: str | None = None
    ) -> TenantAccess:
        """A tenant of the test's own (quotas are per tenant), with a key holding `scopes`."""
        slug = slug or f"t{uuid.uuid4().hex[:12]}"
        tenant = await make_tenant(self.db, slug=slug)
        key = await make_key(self.db, self.settings, tenant, scopes=scopes)
        return TenantAccess(slug=slug, id=tenant.id, key=key)

    def client(self, access: TenantAccess) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, headers=access.headers, timeout=30)

    async def cli(self, *args: str) -> str:
        """One `aetherflow` command with the stack's settings; its stdout (it must succeed)."""
        return await run_cli(self.env, *args)

    def logs(self) -> str:
        return f"--- api ---\n{self.api.tail(30)}\n--- worker ---\n{self.worker.tail(30)}"


def stack_environment(database_url: str, redis_url: str, port: int) -> dict[str, str]:
    return service_env(
        database_url,
        redis_url,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        CONSOLE_DIR=str(DIST),
        # The console's documents only, by hash: the build's manifest is what the API trusts.
        GRAPHQL_TRUSTED_DOCUMENTS=str(MANIFEST),
        GRAPHQL_TRUSTED_ONLY="true",
        RATE_LIMIT_GRAPHQL_POINTS_PER_MINUTE=str(GRAPHQL_POINTS_PER_MINUTE),
        # A failing receiver makes a delivery dead within seconds; sweeps run every second.
        WEBHOOK_RETRY_SCHEDULE="0,1,1",
        WEBHOOK_TIMEOUT_SECONDS="5",
        SWEEP_INTERVAL_SECONDS="1",
        LOG_LEVEL="INFO",
    )


@asynccontextmanager
async def running_console_stack(name: str, log_dir: Path) -> AsyncIterator[ConsoleStack]:
    if not (DIST / "index.html").is_file():
        raise RuntimeError("the console is not built: run `make console` (docs/CONSOLE.md)")
    database_url = f"{PG_SERVER}/aetherflow_{name}"
    await recreate_database(database_url)
    await asyncio.to_thread(upgrade_to_head, database_url)
    redis = RedisServer()
    redis.start()
    port = free_port()
    env = stack_environment(database_url, redis.url, port)
    settings = Settings(
        _env_file=None, app_env="test", database_url=database_url, redis_url=redis.url
    )
    db = Database.connect(database_url, pool_size=2)
    services: list[Service] = []
    try:
        async with running_receiver() as receiver:
            api = Service("api", ["api", "--host", "127.0.0.1", "--port", str(port)], env, log_dir)
            services.append(api)
            worker = Service("worker", ["worker"], env, log_dir)
            services.append(worker)
            base_url = f"http://127.0.0.1:{port}"
            await wait_until_ready(api, base_url)
            yield ConsoleStack(base_url, settings, db, receiver, api, worker, env)
    finally:
        for service in services:
            service.stop()
        redis.stop()
        await db.dispose()
