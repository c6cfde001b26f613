"""Liveness and readiness (CONTRACT.md §2)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from fastapi import APIRouter
from loguru import logger
from starlette.responses import JSONResponse

from app.api.deps import RuntimeDep
from app.core.runtime import Runtime
from db.migrate import current_revision, head_revision

CHECK_TIMEOUT_SECONDS = 2.0

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is running. Touches no dependency."""
    return {"status": "ok"}


@router.get("/ready")
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
    return JSONResponse(
        {"status": "ready" if is_ready else "unavailable", "checks": checks},
        status_code=200 if is_ready else 503,
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
