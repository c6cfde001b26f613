"""API key format: `afk_<prefix>_<secret>`; only HMAC-SHA256(pepper, key) is ever stored."""

from __future__ import annotations

import hmac
import re
import secrets
import string

KEY_PATTERN = re.compile(r"^afk_([a-z0-9]{8})_([A-Za-z0-9_-]{43,})$")
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_BYTES = 32

SCOPES = (
    "reports:read",
    "reports:write",
    "automations:read",
    "automations:write",
    "webhooks:read",
    "webhooks:write",
    "sessions:write",
)


def generate_key() -> tuple[str, str]:
    """A new key and its public prefix."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
    return prefix, f"afk_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    match = KEY_PATTERN.match(key)
    return match.group(1) if match else None


def hash_key(pepper: bytes, key: str) -> bytes:
    return hmac.digest(pepper, key.encode(), "sha256")


def hashes_match(stored: bytes, presented: bytes) -> bool:
    return hmac.compare_digest(stored, presented)
