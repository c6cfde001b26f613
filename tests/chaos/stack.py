"""A private AetherFlow deployment for one scenario: its own PostgreSQL cluster and redis-server,
the database created and migrated, a tenant and key seeded, and API and worker processes started
the way an operator starts them (`python -m app.cli api|worker`).

Nothing here touches the machine's shared PostgreSQL or Redis. Everything started is stopped,
and every directory made is removed, when the `running_stack` block ends, however it ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings
from db.create_database import ensure_database
from tests.live import free_port
from tests.postgres_server import PostgresServer
from tests.worker.process import RedisServer

DATABASE = "aetherflow"
# Far above any load a scenario sends: the scenarios measure outages, not quotas.
GENEROUS_QUOTA = 10_000_000
QUOTA_SETTINGS = (
    "rate_limit_read_per_minute",
    "rate_limit_write_per_minute",
    "rate_limit_graphql_points_per_minute",
    "rate_limit_auth_failures_per_minute",
)
START_TIMEOUT_SECONDS = 60.0
HOLDER_WAIT_SECONDS = 20.0


def service_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a product process: like the tests' `cli_env`, with the developer's own
    settings removed, delivery to local plain-HTTP receivers allowed, and quotas out of the way."""
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key not in names}
    env.update(
        APP_ENV="test",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        WEBHOOK_ALLOW_HTTP="true",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
    )
    for name in QUOTA_SETTINGS:
        if name in Settings.model_fields:
            env[name.upper()] = str(GENEROUS_QUOTA)
    env.update({key.upper(): value for key, value in overrides.items()})
    return env


class Service:
    """One product process (`python -m app.cli <args>`), its output kept in a file of the run."""

    def __init__(self, name: str, args: Sequence[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.started_at = time.monotonic()

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: nothing is finished, acknowledged or recorded."""
        if self.running():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    async def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait without blocking the loop; SIGKILL after `timeout`."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.running():
            self.kill()
        return self.process.returncode

    def stop(self) -> None:
        with suppress(Exception):
            self.kill()
        self._log.close()

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_records(self) -> list[dict[str, Any]]:
        """The process's JSON log lines (other lines skipped)."""
        records = []
        for line in self.output().splitlines():
            with suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    records.append(record)
        return records

    def tail(self, lines: int = 15) -> str:
        """The last lines worth reading: warnings, errors and anything not a JSON log line
        (tracebacks, start-up failures); INFO lines are skipped."""
        kept = [
            line
            for line in self.output().splitlines()
            if not line.startswith('{"') or '"level": "INFO"' not in line
        ]
        return "\n".join(kept[-lines:])

    def liveness_holder(self) -> int | None:
        """The liveness lock id this worker writes into its claims (jobs/liveness.py), as it
        logged it; None if it did not (yet)."""
        holder = None
        for record in self.log_records():
            if record.get("message") == "liveness lock held" and "holder" in record:
                holder = int(record["holder"])
        return holder


async def run_cli(env: dict[str, str], *args: str) -> str:
    """Run one `aetherflow` command to completion with `env`; its stdout (it must succeed)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise RuntimeError(f"aetherflow {' '.join(args)} failed: {err.decode()[-2000:]}")
    return out.decode()


async def wait_until_ready(api: Service, base_url: str) -> None:
    """Return once the API process at `base_url` answers `/ready` with 200."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        while True:
            if not api.running():
                raise RuntimeError(f"the API exited at start:\n{api.tail()}")
            with suppress(httpx.HTTPError):
                if (await client.get("/ready")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API was not ready in time:\n{api.tail()}")
            await asyncio.sleep(0.1)


@dataclass(frozen=True)
class Tenant:
    id: str
    slug: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


class Stack:
    """One scenario's deployment. Use `running_stack`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.root = Path(tempfile.mkdtemp(prefix=f"aetherflow-chaos-{name}-"))
        self.postgres: PostgresServer | None = None
        self.redis = RedisServer()
        self.services: list[Service] = []
        self.tenant: Tenant | None = None
        self._probe: AsyncEngine | None = None

    # -- the dependencies ---------------------------------------------------------------------

    @property
    def pg(self) -> PostgresServer:
        assert self.postgres is not None, "the stack is not started"
        return self.postgres

    @property
    def database_url(self) -> str:
        """As an operator writes it (DATABASE_URL)."""
        return f"postgresql://postgres@127.0.0.1:{self.pg.port}/{DATABASE}"

    @property
    def sqlalchemy_url(self) -> str:
        return self.pg.url(DATABASE)

    async def start(self) -> None:
        self.postgres = PostgresServer()
        await asyncio.to_thread(self._start_postgres)
        await asyncio.to_thread(self.redis.start)
        await ensure_database(self.sqlalchemy_url)
        await self.cli("migrate")
        seeded = json.loads(await self.cli("seed", "--json"))
        self.tenant = Tenant(
            id=seeded["tenant"]["id"], slug=seeded["tenant"]["slug"], key=seeded["key"]["key"]
        )
        self._probe = create_async_engine(self.sqlalchemy_url, poolclass=NullPool)

    def _start_postgres(self) -> None:
        self.pg.init()
        self.pg.start()
        self.pg.wait_ready()

    async def stop_postgres(self) -> None:
        """`pg_ctl stop -m fast`: sessions are disconnected, the server exits cleanly."""
        await asyncio.to_thread(self.pg.stop, "fast")

    async def start_postgres(self) -> None:
        await asyncio.to_thread(self.pg.start)
        await asyncio.to_thread(self.pg.wait_ready)

    async def stop_redis(self) -> None:
        await asyncio.to_thread(self.redis.stop)

    async def start_redis(self) -> None:
        await asyncio.to_thread(self.redis.start)

    async def close(self) -> None:
        for service in self.services:
            service.stop()
        if self._probe is not None:
            with suppress(Exception):
                await self._probe.dispose()
        with suppress(Exception):
            self.redis.stop()
        if self.postgres is not None:
            with suppress(Exception):
                await asyncio.to_thread(self.postgres.remove)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- product processes --------------------------------------------------------------------

    def env(self, **overrides: str) -> dict[str, str]:
        return service_env(self.database_url, self.redis.url, **overrides)

    async def cli(self, *args: str) -> str:
        """Run one `aetherflow` command to completion; its stdout (it must succeed)."""
        return await run_cli(self.env(), *args)

    def start_service(self, name: str, args: Sequence[str], **overrides: str) -> Service:
        service = Service(name, args, self.env(**overrides), self.root)
        self.services.append(service)
        return service

    async def start_api(self, **overrides: str) -> tuple[Service, str]:
        """An API process on a free port, once `/ready` answers 200; it and its base URL."""
        port = free_port()
        api = self.start_service(
            "api", ["api", "--host", "127.0.0.1", "--port", str(port)], **overrides
        )
        base_url = f"http://127.0.0.1:{port}"
        await wait_until_ready(api, base_url)
        return api, base_url

    async def start_worker(self, name: str, **overrides: str) -> Service:
        """A worker process, once it logged that it holds its liveness lock (so its claims name
        it), or after HOLDER_WAIT_SECONDS without that line (then `liveness_holder()` is None)."""
        worker = self.start_service(name, ["worker"], **overrides)
        deadline = time.monotonic() + HOLDER_WAIT_SECONDS
        while worker.liveness_holder() is None and time.monotonic() < deadline:
            if not worker.running():
                raise RuntimeError(f"{name} exited at start:\n{worker.tail()}")
            await asyncio.sleep(0.05)
        if not worker.running():
            raise RuntimeError(f"{name} exited at start:\n{worker.tail()}")
        return worker

    # -- reading the database -----------------------------------------------------------------

    async def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of one statement on the scenario's database (a fresh connection each time, so
        a restarted server is no concern)."""
        assert self._probe is not None, "the stack is not started"
        async with self._probe.connect() as connection:
            result = await connection.execute(text(sql), params)
            return [dict(row) for row in result.mappings()]

    async def has_column(self, table: str, column: str) -> bool:
        rows = await self.query(
            "SELECT 1 FROM information_schema.columns WHERE table_name = :t AND column_name = :c",
            t=table,
            c=column,
        )
        return bool(rows)

    # -- the API, as a client -----------------------------------------------------------------

    async def create_endpoint(
        self, base_url: str, url: str, event_types: Sequence[str] | None
    ) -> str:
        """A webhook endpoint made through the REST API; its id."""
        assert self.tenant is not None
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            response = await client.post(
                f"/v1/tenants/{self.tenant.id}/webhook-endpoints",
                json={"url": url, "eventTypes": list(event_types) if event_types else None},
                headers=self.tenant.headers,
            )
        if response.status_code != 201:
            raise RuntimeError(
                f"creating the endpoint answered {response.status_code}: {response.text}"
            )
        endpoint_id: str = response.json()["data"]["id"]
        return endpoint_id

    async def delete_endpoint(self, base_url: str, endpoint_id: str) -> None:
        assert self.tenant is not None
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            response = await client.delete(
                f"/v1/tenants/{self.tenant.id}/webhook-endpoints/{endpoint_id}",
                headers=self.tenant.headers,
            )
        if response.status_code != 204:
            raise RuntimeError(f"deleting the endpoint answered {response.status_code}")

    def logs_of_failure(self, lines: int = 15) -> str:
        """The last lines of every process's output, to read when a bound failed."""
        return "\n".join(
            f"--- {service.name} (pid {service.pid}, exit {service.process.returncode}):\n"
            f"{service.tail(lines)}"
            for service in self.services
        )


@asynccontextmanager
async def running_stack(name: str) -> AsyncIterator[Stack]:
    stack = Stack(name)
    try:
        await stack.start()
        yield stack
    finally:
        await stack.close()
