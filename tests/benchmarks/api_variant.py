"""`aetherflow api` through the product's own CLI entry point, with the rate-limit step of a
REST request replaced: by a no-op (`nolimit`), or by one bare EVALSHA of the sliding-window
script on a plain redis-py client (`evalsha`: the floor of a rate-limit check, paid where the
product pays its own, between the same requests).

Run by the bench with `python -P` (so this folder is not put on the import path) in an empty
working folder: `python -P tests/benchmarks/api_variant.py PORT [full|nolimit|evalsha]`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from unittest import mock

import redis.asyncio as redis

# The repository root, for tests.benchmarks (this folder itself stays off the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.api import deps
from app.cli import run
from tests.benchmarks.redis_floors import SLIDING_WINDOW, sliding_window_evalsha

# The rate-limit step of a REST request (called by the API-key dependency); if it moves, this
# name follows it (a missing name stops the variant at start, and the bench says so).
RATE_LIMIT_STEP = "limit_rest_request"
VARIANTS = ("full", "nolimit", "evalsha")


async def _no_rate_limit(*_: object) -> None:
    return None


def _bare_evalsha(redis_url: str) -> Callable[..., Awaitable[None]]:
    client = redis.Redis.from_url(redis_url)
    loaded: list[str] = []

    async def step(*_: object) -> None:
        if not loaded:
            loaded.append(await client.script_load(SLIDING_WINDOW))
        await sliding_window_evalsha(client, loaded[0], "bench:rl-in-request")

    return step


def rate_limit_step(variant: str) -> Callable[..., Awaitable[None]] | None:
    """What replaces the product's rate-limit step in `variant` (None: as shipped)."""
    if variant == "nolimit":
        return _no_rate_limit
    if variant == "evalsha":
        return _bare_evalsha(os.environ["REDIS_URL"])
    return None


if __name__ == "__main__":
    port, variant = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "full"
    if variant not in VARIANTS:
        sys.exit(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    replacement = rate_limit_step(variant)
    if replacement is None:
        sys.exit(run(["api", "--host", "127.0.0.1", "--port", port]))
    with mock.patch.object(deps, RATE_LIMIT_STEP, replacement):
        sys.exit(run(["api", "--host", "127.0.0.1", "--port", port]))
