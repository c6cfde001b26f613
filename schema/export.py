"""Write the GraphQL schema (SDL) to docs/schema.graphql: `python -m schema.export`."""

from __future__ import annotations

from pathlib import Path

from app.core.config import Settings
from schema.app import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "schema.graphql"


def schema_sdl() -> str:
    """The SDL of the schema the code builds (independent of the local environment)."""
    return str(build_schema(Settings(_env_file=None))) + "\n"


def main() -> None:
    SCHEMA_FILE.write_text(schema_sdl())


if __name__ == "__main__":
    main()
