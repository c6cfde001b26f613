"""The whole fleet's metrics from one scrape of any API instance.

On Render a background worker accepts no connections, and the API's public URL reaches one
instance at random, so no single process can be scraped for everything. Each process (every
API instance and every worker) therefore publishes a snapshot of its own registry to Redis every
`publish_seconds`; the API's /metrics serves its own series and every live snapshot, each
series labelled `instance` and `role`. A snapshot expires SNAPSHOTS_PER_LIFETIME publication
intervals after it was published, and a process that stops withdraws its own, so a stopped or
dead process drops out of the scrape. Without Redis a scrape serves this process's series only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from loguru import logger
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis.asyncio import Redis

from app.core.metrics import registry

Role = Literal["api", "worker"]
ROLES: tuple[Role, ...] = ("api", "worker")
INDEX_KEY = "aetherflow:metrics:processes"
KEY_PREFIX = "aetherflow:metrics:process:"
PUBLISH_SECONDS = 10.0
# A snapshot outlives this many missed publications before it drops out of the scrape.
SNAPSHOTS_PER_LIFETIME = 3
READ_TIMEOUT_SECONDS = 2.0

# One family: name, help, type, unit and its samples (sample name, labels, value).
Family = tuple[str, str, str, str, list[tuple[str, dict[str, str], float]]]


@dataclass(frozen=True)
class ProcessIdentity:
    role: Role
    instance: str

    @classmethod
    def of_this_process(cls, role: Role) -> ProcessIdentity:
        return cls(role, f"{socket.gethostname()}-{os.getpid()}")

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.role}:{self.instance}"


@dataclass(frozen=True)
class ProcessMetrics:
    identity: ProcessIdentity
    families: list[Family]


def own_metrics(identity: ProcessIdentity) -> ProcessMetrics:
    families: list[Family] = [
        (
            family.name,
            family.documentation,
            family.type,
            family.unit,
            [(sample.name, sample.labels, sample.value) for sample in family.samples],
        )
        for family in registry.collect()
    ]
    return ProcessMetrics(identity, families)


def encode(process: ProcessMetrics) -> bytes:
    identity = process.identity
    return json.dumps(
        {"role": identity.role, "instance": identity.instance, "families": process.families}
    ).encode()


def decode(payload: bytes | str) -> ProcessMetrics:
    document: dict[str, Any] = json.loads(payload)
    role = document["role"]
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    families: list[Family] = [
        (name, documentation, kind, unit, [(s[0], dict(s[1]), float(s[2])) for s in samples])
        for name, documentation, kind, unit, samples in document["families"]
    ]
    return ProcessMetrics(ProcessIdentity(role, str(document["instance"])), families)


async def publish(
    redis: Redis, identity: ProcessIdentity, publish_seconds: float = PUBLISH_SECONDS
) -> None:
    """Store this process's snapshot; the index scores each snapshot by when it expires."""
    lifetime = publish_seconds * SNAPSHOTS_PER_LIFETIME
    now = time.time()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(identity.key, encode(own_metrics(identity)), px=int(lifetime * 1000))
        pipe.zadd(INDEX_KEY, {identity.key: now + lifetime})
        pipe.zremrangebyscore(INDEX_KEY, "-inf", now)
        await pipe.execute()


async def withdraw(redis: Redis, identity: ProcessIdentity) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(identity.key)
        pipe.zrem(INDEX_KEY, identity.key)
        await pipe.execute()


class Publisher:
    """Publishes this process's snapshot every `publish_seconds` until stopped.

    Stopped by an event rather than by cancelling: a cancellation landing inside a Redis
    command can be turned into a connection error by the client and so be lost.
    """

    def __init__(
        self, redis: Redis, identity: ProcessIdentity, publish_seconds: float = PUBLISH_SECONDS
    ) -> None:
        self._redis = redis
        self._identity = identity
        self._publish_seconds = publish_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="metrics-publisher")

    async def stop(self) -> None:
        """Stop publishing and withdraw the snapshot, so this process leaves the scrape now."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        try:
            await asyncio.wait_for(withdraw(self._redis, self._identity), READ_TIMEOUT_SECONDS)
        except Exception as exc:
            logger.warning("metrics: could not withdraw from Redis ({})", type(exc).__name__)

    async def _run(self) -> None:
        failing = False
        while not await self._stopped_within(self._publish_seconds):
            try:
                await asyncio.wait_for(
                    publish(self._redis, self._identity, self._publish_seconds),
                    READ_TIMEOUT_SECONDS,
                )
            except Exception as exc:
                if not failing:
                    logger.warning("metrics: could not publish to Redis ({})", type(exc).__name__)
                failing = True
            else:
                if failing:
                    logger.info("metrics: publishing to Redis again")
                failing = False

    async def _stopped_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()


async def read_others(redis: Redis, identity: ProcessIdentity) -> list[ProcessMetrics]:
    """Every other live process's latest snapshot; none (logged) when Redis does not answer."""
    try:
        return await asyncio.wait_for(_read_others(redis, identity), READ_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("metrics: other processes' metrics unavailable ({})", type(exc).__name__)
        return []


async def _read_others(redis: Redis, identity: ProcessIdentity) -> list[ProcessMetrics]:
    live = await redis.zrangebyscore(INDEX_KEY, time.time(), "+inf")
    keys = [_text(key) for key in live if _text(key) != identity.key]
    if not keys:
        return []
    others: list[ProcessMetrics] = []
    for key, payload in zip(keys, await redis.mget(keys), strict=True):
        if payload is None:
            continue  # expired between the two reads
        try:
            others.append(decode(payload))
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("metrics: unreadable snapshot {} ({})", key, exc)
    return others


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class FleetScrape(Collector):
    """Every process's series labelled `instance` and `role`, plus `extra` families (the
    database gauges)."""

    def __init__(self, processes: Sequence[ProcessMetrics], extra: Iterable[Metric]) -> None:
        self._processes = processes
        self._extra = extra

    def collect(self) -> Iterable[Metric]:
        merged: dict[str, Metric] = {}
        for process in self._processes:
            labels = {"instance": process.identity.instance, "role": process.identity.role}
            for name, documentation, kind, unit, samples in process.families:
                family = merged.setdefault(name, Metric(name, documentation, kind, unit))
                if family.type != kind:
                    continue  # a release that changed a metric's type: keep the first seen
                for sample_name, sample_labels, value in samples:
                    family.add_sample(sample_name, sample_labels | labels, value)
        yield from merged.values()
        yield _process_counts(self._processes)
        yield from self._extra


def _process_counts(processes: Iterable[ProcessMetrics]) -> Metric:
    counts = Counter(process.identity.role for process in processes)
    family = GaugeMetricFamily(
        "aetherflow_processes",
        "Processes whose metrics are in this scrape, by role (api, worker).",
        labels=("role",),
    )
    for role in ROLES:
        family.add_metric((role,), counts[role])
    return family


def fleet_exposition(processes: Sequence[ProcessMetrics], extra: Iterable[Metric] = ()) -> bytes:
    return generate_latest(FleetScrape(processes, extra))
