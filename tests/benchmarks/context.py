"""One bench run's shared state: the product databases, processes and tenants, made on first use.

`reads()`: database `<prefix>`, migrated by `aetherflow migrate`, 10 tenants with 1,000 reports
each (POSTed through the product) and one tenant for batch writes, and an `aetherflow api`.
`webhooks()`: database `<prefix>_webhooks`, the sink receiver, an `aetherflow api`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from db.create_database import recreate_database
from tests.benchmarks.config import BenchConfig
from tests.benchmarks.processes import Processes, Started
from tests.benchmarks.table import say
from tests.benchmarks.workload import READ_TENANTS, Tenant, create_tenants, seed_reports
from tests.live import free_port

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Reads:
    api: Started
    port: int
    tenants: list[Tenant]
    writer: Tenant  # the batch-write tenant of the product
    floor_writer: Tenant  # the batch-write tenant of the upsert baseline

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Webhooks:
    api: Started
    port: int
    sink_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sink(self, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.sink_port}{path}", timeout=60) as r:
            return json.loads(r.read())


class BenchRun:
    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.processes = Processes(config)
        self._reads: Reads | None = None
        self._webhooks: Webhooks | None = None

    def python_module(self, name: str, module: str, *args: str) -> Started:
        """A bench helper process (`python -m tests.benchmarks.<module>`), run from the repo."""
        return self.processes.start(
            name, [sys.executable, "-m", f"tests.benchmarks.{module}", *args], cwd=REPO
        )

    def fresh_database(self, database: str) -> None:
        asyncio.run(recreate_database(self.config.sqlalchemy_url(database)))
        self.processes.migrate(database)

    def reads(self) -> Reads:
        if self._reads is None:
            database = self.config.reads_database
            say(f"setting up {database}: 10 tenants x 1,000 reports through the API")
            self.fresh_database(database)
            slugs = [f"bench-{n:02d}" for n in range(READ_TENANTS)]
            tenants = create_tenants(self.processes, database, [*slugs, "writer", "floor-writer"])
            port = free_port()
            api = self.processes.api("api", port, database)
            reads = Reads(api, port, tenants[:READ_TENANTS], tenants[-2], tenants[-1])
            seed_reports(reads.base_url, reads.tenants)
            asyncio.run(self.vacuum(database))
            self._reads = reads
        return self._reads

    async def vacuum(self, database: str) -> None:
        connection = await asyncpg.connect(self.config.database_url(database))
        try:
            await connection.execute("VACUUM ANALYZE")
        finally:
            await connection.close()

    def webhooks(self) -> Webhooks:
        if self._webhooks is None:
            database = self.config.webhooks_database
            self.fresh_database(database)
            sink_port = free_port()
            sink = self.python_module("sink", "sink", str(sink_port))
            self.processes.serving(sink, sink_port, "/_stats")
            port = free_port()
            api = self.processes.api("api-webhooks", port, database)
            self._webhooks = Webhooks(api, port, sink_port)
        return self._webhooks
