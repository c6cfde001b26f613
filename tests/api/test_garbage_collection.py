"""The API process collects its young generation rarely: requests free their own objects."""

from __future__ import annotations

import gc

from app.core.config import Settings
from app.main import YOUNG_GENERATION_THRESHOLD
from tests.asgi import serve


async def test_the_young_generation_threshold_holds_while_the_app_runs(
    settings: Settings,
) -> None:
    before = gc.get_threshold()
    async with serve(settings):
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before
