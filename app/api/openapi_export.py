"""Write docs/openapi.yaml from the app: `python -m app.api.openapi_export` (`make openapi`).

A development tool: it needs the dev dependencies (PyYAML).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.core.config import Settings
from app.main import create_app

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def openapi_document() -> dict[str, Any]:
    """The document the code serves at /openapi.json (independent of the environment)."""
    return create_app(Settings(_env_file=None)).openapi()


def openapi_yaml() -> str:
    return str(yaml.safe_dump(openapi_document(), sort_keys=False, allow_unicode=True, width=100))


def main() -> None:
    OPENAPI_FILE.write_text(openapi_yaml())


if __name__ == "__main__":
    main()
