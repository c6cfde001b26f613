"""The one parser of ids that arrive as text: paths, tenant references, GraphQL ids, callbacks."""

from __future__ import annotations

import re
import uuid

# Only the canonical form: uuid.UUID alone also takes braces, `urn:uuid:` and bare hex.
_CANONICAL_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def parse_id(text: str) -> uuid.UUID | None:
    """The UUID that `text` spells in its canonical 8-4-4-4-12 form (any letter case), else
    None: callers answer that nothing has this id."""
    return uuid.UUID(text) if _CANONICAL_UUID.fullmatch(text) else None


def spells_a_uuid(text: str) -> bool:
    """Whether `text` is any spelling of a UUID (bare hex, braces, `urn:uuid:` included): a
    name that must never be mistaken for an id, such as a tenant slug, may not be one."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
