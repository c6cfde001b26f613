"""The bench's settings, from the environment only (docs/TESTING.md, `make bench`)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class BenchConfig:
    # A PostgreSQL server URL without a database; its role must be allowed to create databases.
    pg: str = field(
        default_factory=lambda: os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    )
    # Databases `<prefix>` (reads, writes, limiter) and `<prefix>_webhooks`, re-created per run.
    database_prefix: str = field(
        default_factory=lambda: os.environ.get("BENCH_DATABASE", "aetherflow_bench")
    )
    # A Redis database the bench owns: it is emptied at the start and the end of a run.
    redis_url: str = field(
        default_factory=lambda: os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    runs: int = field(default_factory=lambda: _int("BENCH_RUNS", 3))
    wrk_seconds: int = field(default_factory=lambda: _int("BENCH_WRK_SECONDS", 10))
    upsert_rounds: int = field(default_factory=lambda: _int("BENCH_UPSERT_ROUNDS", 5))
    webhook_events: int = field(default_factory=lambda: _int("BENCH_WEBHOOK_EVENTS", 3000))
    webhook_floor_seconds: int = field(default_factory=lambda: _int("BENCH_WEBHOOK_SECONDS", 5))
    limiter_blocks: int = field(default_factory=lambda: _int("BENCH_LIMITER_BLOCKS", 10))
    queue_messages: int = field(default_factory=lambda: _int("BENCH_QUEUE_MESSAGES", 20000))
    e2e_rate: int = field(default_factory=lambda: _int("BENCH_E2E_RATE", 500))
    e2e_seconds: int = field(default_factory=lambda: _int("BENCH_E2E_SECONDS", 60))
    memory_rate: int = field(default_factory=lambda: _int("BENCH_MEMORY_RATE", 100))
    memory_seconds: int = field(default_factory=lambda: _int("BENCH_MEMORY_SECONDS", 600))
    log_dir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="aetherflow-bench-"))
    )
    # The product's working folder: empty, so no `.env` is read.
    work_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="aetherflow-cwd-")))

    def summary(self) -> str:
        """The run's settings, as the environment names them (for the record of a run)."""
        names = {
            "BENCH_DATABASE": self.database_prefix,
            "BENCH_REDIS_URL": self.redis_url,
            "BENCH_RUNS": self.runs,
            "BENCH_WRK_SECONDS": self.wrk_seconds,
            "BENCH_UPSERT_ROUNDS": self.upsert_rounds,
            "BENCH_WEBHOOK_EVENTS": self.webhook_events,
            "BENCH_WEBHOOK_SECONDS": self.webhook_floor_seconds,
            "BENCH_LIMITER_BLOCKS": self.limiter_blocks,
            "BENCH_QUEUE_MESSAGES": self.queue_messages,
            "BENCH_E2E_RATE": self.e2e_rate,
            "BENCH_E2E_SECONDS": self.e2e_seconds,
            "BENCH_MEMORY_RATE": self.memory_rate,
            "BENCH_MEMORY_SECONDS": self.memory_seconds,
        }
        return " ".join(f"{name}={value}" for name, value in names.items())

    def database_url(self, database: str) -> str:
        """As an operator writes DATABASE_URL."""
        return f"{self.pg}/{database}"

    def sqlalchemy_url(self, database: str) -> str:
        return self.database_url(database).replace("postgresql://", "postgresql+asyncpg://", 1)

    @property
    def reads_database(self) -> str:
        return self.database_prefix

    @property
    def webhooks_database(self) -> str:
        return f"{self.database_prefix}_webhooks"
