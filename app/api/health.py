"""Liveness and readiness (CONTRACT.md §2)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from loguru import logger
from pydantic import BaseModel
from starlette.responses import JSONResponse

from app.api.deps import RuntimeDep
from app.core.errors import ServiceUnavailable
from app.core.runtime import Runtime
from db.migrate import current_revision, head_revision

CHECK_TIMEOUT_SECONDS = 2.0
CheckResult = Literal["ok", "error"]

router = APIRouter(tags=["health"])


class ReadinessChecks(BaseModel):
    database: CheckResult
    redis: CheckResult
    migrations: CheckResult


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: ReadinessChecks


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is running. Touches no dependency."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=None,
    responses={
        200: {"model": Readiness, "description": "Every check is ok."},
        503: {
            "model": Readiness,
            "description": "A check failed (`status: unavailable`, the failing checks `error`).",
        },
    },
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    """Database, Redis and migrations all answer; 503 with the failing checks otherwise."""
    database, redis = await asyncio.gather(
        _check("database", _database_at_head(runtime)), _check("redis", _redis_ping(runtime))
    )
    migrations = "ok" if database == "ok" else "error"
    if database == "behind":
        database = "ok"
    checks = {"database": database, "redis": redis, "migrations": migrations}
    is_ready = all(value == "ok" for value in checks.values())
    if is_ready:
        return JSONResponse({"status": "ready", "checks": checks})
    # Like every other 503 here: a retry hint for probes and load balancers.
    return JSONResponse(
        {"status": "unavailable", "checks": checks},
        status_code=503,
        headers=ServiceUnavailable().headers,
    )


async def _check(name: str, probe: Awaitable[str]) -> str:
    try:
        return await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("readiness check {} failed: {}", name, type(exc).__name__)
        return "error"


async def _database_at_head(runtime: Runtime) -> str:
    """`ok` at the code's head revision, `behind` when reachable but not migrated to it."""
    async with runtime.db.engine.connect() as connection:
        revision = await current_revision(connection)
    return "ok" if revision == head_revision() else "behind"


async def _redis_ping(runtime: Runtime) -> str:
    await runtime.redis.ping()
    return "ok"
