"""Worker tests: settings that allow local receivers, a running receiver, webhook clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.core.config import Settings
from app.webhooks.sender import ClientPool
from tests.receiver import Receiver, running_receiver
from tests.worker.helpers import delivery_settings


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return delivery_settings(database_url, redis_url)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture
async def clients() -> AsyncIterator[ClientPool]:
    pool = ClientPool()
    yield pool
    await pool.aclose()
