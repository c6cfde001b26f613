"""`python -m app.api.probe`: a container health check for the API.

Exits 0 when this container's API answers `GET /serving` with 200 within PROBE_TIMEOUT_SECONDS,
else 1 with one line saying why.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

from app.core.config import get_settings
from app.core.probes import exit_status

PROBE_TIMEOUT_SECONDS = 3.0


def problem(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()
    except (OSError, ValueError) as exc:
        return f"{url} did not answer ({type(exc).__name__})"
    return None if status == 200 else f"{url} answered {status}"


def main() -> int:
    serving = f"http://127.0.0.1:{get_settings().port}/serving"
    return exit_status("aetherflow api not serving", problem(serving))


if __name__ == "__main__":
    sys.exit(main())
