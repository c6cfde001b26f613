"""Keyset pagination with opaque, signed cursors (CONTRACT.md §1)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from app.core.errors import ValidationFailed

Item = TypeVar("Item")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIGNATURE_BYTES = 12


@dataclass(frozen=True)
class Position:
    """Where a page ended: the sort key and id of its last item, under one ordering."""

    ordering: str
    sort_key: datetime
    id: uuid.UUID


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    next_position: Position | None


class CursorCodec:
    """Encodes positions as opaque strings and refuses any it did not sign."""

    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, b"aetherflow.cursor.v1", hashlib.sha256).digest()

    def encode(self, position: Position) -> str:
        payload = json.dumps(
            [position.ordering, position.sort_key.isoformat(), str(position.id)],
            separators=(",", ":"),
        ).encode()
        return base64.urlsafe_b64encode(self._sign(payload) + payload).decode().rstrip("=")

    def decode(self, cursor: str | None, *, ordering: str) -> Position | None:
        """Where the page starts: after the position in a cursor made for `ordering`, or at the
        beginning when there is no cursor (`?cursor=` empty counts as none). Anything else is a
        422."""
        if not cursor:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
            if not hmac.compare_digest(signature, self._sign(payload)):
                raise ValueError("bad signature")
            cursor_ordering, sort_key, item_id = json.loads(payload)
            position = Position(
                cursor_ordering, datetime.fromisoformat(sort_key), uuid.UUID(item_id)
            )
        except (ValueError, TypeError, binascii.Error):
            raise _invalid_cursor() from None
        if position.ordering != ordering or position.sort_key.tzinfo is None:
            raise _invalid_cursor()
        return position

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        details=[{"path": "cursor", "message": "not a cursor from a previous page of this list"}]
    )
