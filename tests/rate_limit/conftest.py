"""A client whose app has the small limits of `tests.rate_limit.helpers`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from db.session import Database
from tests.rate_limit.helpers import limited_client


@pytest.fixture
async def limited(
    database_url: str, redis_url: str, db: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with limited_client(database_url, redis_url) as client:
        yield client
