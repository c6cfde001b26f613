"""What every benchmark starts from: quiet logs, a fresh migrated database, a tenant and a key."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.config import Settings
from app.core.logging import configure_logging
from db.create_database import recreate_database
from db.migrate import upgrade_to_head
from db.models.tenant import Tenant
from db.session import Database
from tests.factories import make_key, make_tenant


async def fresh_database(database_url: str, **overrides: Any) -> Settings:
    """Re-create and migrate the benchmark's database; settings for the app under test."""
    configure_logging("WARNING")
    await recreate_database(database_url)
    await asyncio.to_thread(upgrade_to_head, database_url)
    return Settings(
        _env_file=None,
        app_env="test",
        database_url=database_url,
        log_level="WARNING",
        # The key is looked up once, not again whenever a short cache lapses mid-run, so
        # statement counts and timings are those of the route itself.
        api_key_cache_seconds=60,
        **overrides,
    )


async def bench_tenant(db: Database, settings: Settings) -> tuple[Tenant, str]:
    """The benchmark's tenant and a key with every scope."""
    tenant = await make_tenant(db, slug="bench", name="Bench")
    return tenant, await make_key(db, settings, tenant)
