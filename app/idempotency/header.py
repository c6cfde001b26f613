"""The `Idempotency-Key` header (bare, or an RFC 8941 structured-field string), and the header
that marks a replayed response."""

from __future__ import annotations

import re

from app.core.errors import InvalidIdempotencyKey

MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
_PRINTABLE = re.compile(r"^[\x20-\x7e]+$")
_SF_STRING = re.compile(r'^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$')


def parse_idempotency_key(value: str | None) -> str | None:
    """The key, None when the header is absent, or InvalidIdempotencyKey."""
    if value is None:
        return None
    if value.startswith('"'):
        match = _SF_STRING.match(value)
        if match is None:
            raise InvalidIdempotencyKey
        key = re.sub(r"\\(.)", r"\1", match.group(1))
    else:
        key = value
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not _PRINTABLE.match(key):
        raise InvalidIdempotencyKey
    return key
