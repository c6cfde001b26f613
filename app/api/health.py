"""Liveness and readiness (CONTRACT.md §2), and `/serving`, the platform's health check.

`/ready` is the contract's strict check: every dependency answers and the schema is at this
code's head. `/serving` answers whether this instance can serve: the database answers and its
schema serves this code (at head, or ahead after a newer release migrated: expand/contract,
docs/MIGRATIONS.md). Redis is reported but not fatal there: without it rate limits fail open
and the rest of the API works, so a Redis blip must not take every instance out of rotation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from loguru import logger
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from app.api.deps import RuntimeDep
from app.bootstrap import Runtime
from app.core.errors import ServiceUnavailable
from db.migrate import SchemaState, current_schema_state

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


class ServingChecks(BaseModel):
    database: CheckResult
    schema_: CheckResult = Field(alias="schema")
    redis: CheckResult


class Serving(BaseModel):
    status: Literal["serving", "unavailable"]
    checks: ServingChecks


def _checks(status: str, **check: str) -> dict[str, object]:
    """An example answer of /ready or /serving."""
    return {"status": status, "checks": {"database": "ok", "redis": "ok", **check}}


@router.get(
    "/health", responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}}
)
async def health() -> dict[str, str]:
    """The process is running. Touches no dependency."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=None,
    responses={
        200: {
            "model": Readiness,
            "description": "Every check is ok.",
            "content": {"application/json": {"example": _checks("ready", migrations="ok")}},
        },
        503: {
            "model": Readiness,
            "description": "A check failed (`status: unavailable`, the failing checks `error`).",
            "content": {
                "application/json": {"example": _checks("unavailable", migrations="error")}
            },
        },
    },
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    """Database, Redis and migrations all answer; 503 with the failing checks otherwise."""
    schema, redis = await _probe(runtime)
    database = "error" if schema == "error" else "ok"
    migrations = "ok" if schema == SchemaState.AT_HEAD.value else "error"
    checks = {"database": database, "redis": redis, "migrations": migrations}
    return _answer(checks, "ready")


@router.get(
    "/serving",
    response_model=None,
    responses={
        200: {
            "model": Serving,
            "description": "The database answers and its schema serves this code; `redis` "
            "is reported and may be `error`.",
            "content": {"application/json": {"example": _checks("serving", schema="ok")}},
        },
        503: {
            "model": Serving,
            "description": "The database does not answer, or its schema is behind this code.",
            "content": {"application/json": {"example": _checks("unavailable", schema="error")}},
        },
    },
)
async def serving(runtime: RuntimeDep) -> JSONResponse:
    """Whether this instance can serve: the platform's health check (docs/MIGRATIONS.md)."""
    schema, redis = await _probe(runtime)
    database = "error" if schema == "error" else "ok"
    serves = schema in (SchemaState.AT_HEAD.value, SchemaState.AHEAD.value)
    checks = {"database": database, "schema": "ok" if serves else "error", "redis": redis}
    return _answer(checks, "serving", required=("database", "schema"))


def _answer(
    checks: dict[str, str], healthy: str, required: tuple[str, ...] | None = None
) -> JSONResponse:
    """200 with `healthy` when every required check (default: all) is ok, else 503."""
    needed = checks if required is None else {name: checks[name] for name in required}
    if all(value == "ok" for value in needed.values()):
        return JSONResponse({"status": healthy, "checks": checks})
    # Like every other 503 here: a retry hint for probes and load balancers.
    return JSONResponse(
        {"status": "unavailable", "checks": checks},
        status_code=503,
        headers=ServiceUnavailable().headers,
    )


async def _probe(runtime: Runtime) -> tuple[str, str]:
    """The schema's state (`error` when the database does not answer) and Redis's check."""
    schema, redis = await asyncio.gather(
        _check("database", _schema_state(runtime)), _check("redis", _redis_ping(runtime))
    )
    return schema, redis


async def _check(name: str, probe: Awaitable[str]) -> str:
    try:
        return await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("readiness check {} failed: {}", name, type(exc).__name__)
        return "error"


async def _schema_state(runtime: Runtime) -> str:
    async with runtime.db.engine.connect() as connection:
        return (await current_schema_state(connection)).value


async def _redis_ping(runtime: Runtime) -> str:
    await runtime.redis.ping()
    return "ok"
