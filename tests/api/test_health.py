"""CONTRACT.md §2: /health and /ready, including real outages (wrong ports, unmigrated db)."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from app.core.config import Settings
from db.create_database import ensure_database
from db.migrate import head_revision, known_revisions
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


async def set_revision(client: httpx.AsyncClient, revision: str) -> None:
    async with runtime_of(client).db.engine.begin() as connection:
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await connection.execute(text("CREATE TABLE alembic_version (version_num text)"))
        await connection.execute(
            text("INSERT INTO alembic_version VALUES (:revision)"), {"revision": revision}
        )


async def test_serving_when_the_database_and_schema_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/serving")
    assert response.status_code == 200
    assert response.json() == {
        "status": "serving",
        "checks": {"database": "ok", "schema": "ok", "redis": "ok"},
    }


async def test_serving_reports_redis_down_without_failing(database_url: str, db: Database) -> None:
    async with serve(make_settings(database_url, CLOSED_PORT_REDIS)) as client:
        serving, ready = await client.get("/serving"), await client.get("/ready")
    assert serving.status_code == 200
    assert serving.json() == {
        "status": "serving",
        "checks": {"database": "ok", "schema": "ok", "redis": "error"},
    }
    assert ready.status_code == 503


async def test_serving_is_503_when_the_database_is_down(redis_url: str) -> None:
    async with serve(make_settings(CLOSED_PORT_PG, redis_url)) as client:
        response = await client.get("/serving")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error", "schema": "error", "redis": "ok"},
    }
    assert response.headers["retry-after"] == "5"


async def test_serving_follows_the_schema_and_ready_wants_exactly_head(
    database_url: str, redis_url: str
) -> None:
    """Behind this code's head or never migrated: not serving. At head, or at a revision this
    code does not know (a newer release migrated ahead, expand/contract): serving; /ready
    (the contract's check) is ok only at head."""
    scratch = database_url + "_revisions"
    await ensure_database(scratch)
    answers: dict[str, tuple[int, str, int]] = {}
    async with serve(make_settings(scratch, redis_url)) as client:
        async with runtime_of(client).db.engine.begin() as connection:
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        never = await client.get("/serving")
        answers["never migrated"] = (never.status_code, never.json()["checks"]["schema"], 0)
        for label, revision in (
            ("behind", known_revisions_below_head()[0]),
            ("at head", head_revision() or ""),
            ("ahead", "9999_from_a_newer_release"),
        ):
            await set_revision(client, revision)
            serving, ready = await client.get("/serving"), await client.get("/ready")
            answers[label] = (
                serving.status_code,
                serving.json()["checks"]["schema"],
                ready.status_code,
            )
    assert answers == {
        "never migrated": (503, "error", 0),
        "behind": (503, "error", 503),
        "at head": (200, "ok", 200),
        "ahead": (200, "ok", 503),
    }


def known_revisions_below_head() -> list[str]:
    below = sorted(known_revisions() - {head_revision()})
    assert below, "the test needs a revision older than head"
    return below
