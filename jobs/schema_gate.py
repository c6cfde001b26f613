"""The worker starts consuming only once the database schema serves its code.

On a deploy the worker may start before the API's pre-deploy migration has run: it waits here,
on every start, instead of failing on tables or columns that do not exist yet
(docs/MIGRATIONS.md).
"""

from __future__ import annotations

import asyncio
import time

from loguru import logger

from db.migrate import SchemaState, current_schema_state, head_revision
from db.session import Database

POLL_SECONDS = 2.0
LOG_EVERY_SECONDS = 30.0


async def wait_for_compatible_schema(db: Database, poll_seconds: float = POLL_SECONDS) -> None:
    logged_at: float | None = None
    while True:
        state = await _state(db)
        if state is not None and state.serves_this_code:
            if logged_at is not None:
                logger.bind(schema=state.value).info("worker: the database schema is ready")
            return
        now = time.monotonic()
        if logged_at is None or now - logged_at >= LOG_EVERY_SECONDS:
            logger.bind(
                schema=state.value if state else "unreachable", needed=head_revision()
            ).info("worker: waiting for the database schema")
            logged_at = now
        await asyncio.sleep(poll_seconds)


async def _state(db: Database) -> SchemaState | None:
    """The schema's state, or None when the database does not answer."""
    try:
        async with db.engine.connect() as connection:
            return await current_schema_state(connection)
    except Exception as exc:  # the database may still be starting: keep waiting
        logger.bind(error=type(exc).__name__).debug("worker: schema check failed")
        return None
