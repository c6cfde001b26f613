"""Every fixture: a migrated test database and a Redis database of the run's own, a fresh app
per test, and real HTTP through the ASGI stack. Tables are truncated before each test."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text

from app.core.config import Settings
from db.create_database import recreate_database
from db.metadata import metadata
from db.migrate import upgrade_to_head
from db.session import Database
from tests.asgi import serve
from tests.factories import Keys, make_key, make_tenant

# Shared fixtures defined beside their helpers.
pytest_plugins = ["tests.logs"]

# The developer's environment and .env must not leak into the tests.
_SETTING_NAMES = {name.upper() for name in Settings.model_fields}
for _name in list(os.environ):
    if _name in _SETTING_NAMES:
        del os.environ[_name]

PG_SERVER = os.environ.get("AETHERFLOW_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("AETHERFLOW_TEST_REDIS", "redis://127.0.0.1:6379")


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


@pytest.fixture(scope="session")
def database_url() -> str:
    return f"{PG_SERVER}/aetherflow_test_{_worker_index()}"


@pytest.fixture(scope="session")
def redis_url() -> str:
    return f"{REDIS_SERVER}/{15 - _worker_index()}"


def make_settings(database_url: str, redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": database_url,
        "redis_url": redis_url,
        # Longer than any test, so statement counts never see the cache expire; the
        # revocation test sets its own bound.
        "api_key_cache_seconds": 60,
        # Wide enough that a loaded test machine never fails open by accident; the fail-open
        # tests narrow it.
        "rate_limit_redis_timeout_seconds": 2.0,
        # Likewise: a loaded machine must not shed a test's concurrent requests as overloaded;
        # the overload tests narrow it.
        "database_pool_timeout_seconds": 30,
        # Tests that walk a list page by page spend more GraphQL points in a minute than the
        # default quota; the quota tests set their own.
        "rate_limit_graphql_points_per_minute": 1_000_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
async def migrated_database(database_url: str) -> AsyncIterator[Database]:
    """The run's test database, dropped, re-created and migrated to head once per run."""
    await recreate_database(database_url)
    await asyncio.to_thread(upgrade_to_head, database_url)
    db = Database.connect(database_url, pool_size=5)
    yield db
    await db.dispose()


@pytest.fixture
async def db(migrated_database: Database, redis: Redis) -> Database:
    """The test database, emptied before the test."""
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    async with migrated_database.unit_of_work() as session:
        await session.execute(text(f"TRUNCATE {tables} CASCADE"))
    return migrated_database


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """The run's own Redis database, flushed before the test."""
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return make_settings(database_url, redis_url)


@pytest.fixture
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app, started, behind an HTTP client."""
    async with serve(settings) as http:
        yield http


@pytest.fixture
async def tenant_keys(db: Database, settings: Settings) -> Keys:
    """A tenant with a full-scope key, and a second tenant with its own key."""
    tenant = await make_tenant(db, slug="acme")
    other = await make_tenant(db, slug="globex")
    return Keys(
        tenant=tenant,
        key=await make_key(db, settings, tenant),
        other_tenant=other,
        other_key=await make_key(db, settings, other),
    )


@pytest.fixture
def cli_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Environment for running `aetherflow` against the test database and Redis."""
    return {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": database_url.replace("+asyncpg", ""),
        "REDIS_URL": redis_url,
    }
