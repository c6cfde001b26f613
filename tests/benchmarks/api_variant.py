"""`aetherflow api` through the product's own CLI entry point, with the rate-limit step of a
REST request replaced by a no-op when the second argument is `nolimit`.

Run by the bench with `python -P` (so this folder is not put on the import path) in an empty
working folder: `python -P tests/benchmarks/api_variant.py PORT [full|nolimit]`.
"""

from __future__ import annotations

import contextlib
import sys
from unittest import mock

from app.api import deps
from app.cli import run

# The rate-limit step of a REST request (called by the API-key dependency); if it moves, this
# name follows it (a missing name stops the variant at start, and the bench says so).
RATE_LIMIT_STEP = "limit_rest_request"


async def _no_rate_limit(*_: object) -> None:
    return None


if __name__ == "__main__":
    port, variant = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "full"
    with (
        mock.patch.object(deps, RATE_LIMIT_STEP, _no_rate_limit)
        if variant == "nolimit"
        else contextlib.nullcontext()
    ):
        sys.exit(run(["api", "--host", "127.0.0.1", "--port", port]))
