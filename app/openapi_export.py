"""Write docs/openapi.yaml from the app: `python -m app.openapi_export` (`make openapi`).

A development tool: it needs the dev dependencies (PyYAML).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from app.core.config import Settings
from app.main import create_app

OPENAPI_FILE = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"


def openapi_document() -> dict[str, Any]:
    """The document the code serves at /openapi.json (independent of the environment)."""
    return create_app(Settings(_env_file=None)).openapi()


class _PlainDumper(yaml.SafeDumper):
    """Writes an object used in several places in full each time, not as an anchor and aliases
    (`&id001` / `*id001`), which many OpenAPI readers and humans trip over."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def openapi_yaml() -> str:
    document = openapi_document()
    return str(
        yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    )


def main() -> None:
    OPENAPI_FILE.write_text(openapi_yaml())


if __name__ == "__main__":
    main()
