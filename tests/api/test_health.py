"""CONTRACT.md §2: /health and /ready, including real outages (wrong ports, unmigrated db)."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from app.core.config import Settings
from db.create_database import ensure_database
from db.session import Database
from tests.asgi import runtime_of, serve
from tests.conftest import make_settings

CLOSED_PORT_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/aetherflow"
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


async def test_health_is_ok_without_dependencies(redis_url: str) -> None:
    async with serve(make_settings(CLOSED_PORT_PG, CLOSED_PORT_REDIS)) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_everything_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok"},
    }


async def test_ready_is_503_when_redis_is_down(database_url: str, db: Database) -> None:
    async with serve(make_settings(database_url, CLOSED_PORT_REDIS)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "error", "migrations": "ok"},
    }
    assert response.headers["retry-after"] == "5"


async def test_ready_is_503_when_the_database_is_down(redis_url: str) -> None:
    async with serve(make_settings(CLOSED_PORT_PG, redis_url)) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error", "redis": "ok", "migrations": "error"},
    }
    assert "x-request-id" in response.headers
    assert response.headers["retry-after"] == "5"


async def test_ready_is_503_when_migrations_are_not_at_head(
    database_url: str, redis_url: str, settings: Settings
) -> None:
    unmigrated = database_url + "_unmigrated"
    await ensure_database(unmigrated)
    async with serve(make_settings(unmigrated, redis_url)) as client:
        response = await client.get("/ready")
        async with runtime_of(client).db.engine.begin() as connection:
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            await connection.execute(text("CREATE TABLE alembic_version (version_num text)"))
            await connection.execute(text("INSERT INTO alembic_version VALUES ('0000')"))
        behind = await client.get("/ready")
    for answer in (response, behind):
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": "ok", "redis": "ok", "migrations": "error"}
