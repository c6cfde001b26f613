"""Keyset pagination with opaque, signed cursors (CONTRACT.md §1)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from app.core import json_codec
from app.core.errors import ValidationFailed

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIGNATURE_BYTES = 12

Item = TypeVar("Item")
Row_co = TypeVar("Row_co", covariant=True)
# An item's place in its list's order: the sort key, then the id that breaks ties.
PlaceOf = Callable[[Item], tuple[datetime, uuid.UUID]]


@dataclass(frozen=True)
class Position:
    """Where a page ended: the sort key and id of its last item, under one ordering."""

    ordering: str
    sort_key: datetime
    id: uuid.UUID


@dataclass(frozen=True)
class Page(Generic[Item]):
    """Items of one page, in the list's order, and where each stands. Cursors are made only
    when asked for: REST needs the next page's alone, GraphQL an edge's when its `cursor` is
    selected.

    `has_next` is known when the page was read forwards (items follow it), `has_previous` when
    it was read backwards (items precede it); the other is False, as Relay's algorithm allows.
    """

    items: list[Item]
    has_next: bool
    ordering: str
    place_of: PlaceOf[Item]
    codec: CursorCodec
    has_previous: bool = False

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the next page; None on the last page."""
        return self.cursor_of(self.items[-1]) if self.has_next else None

    @property
    def start_cursor(self) -> str | None:
        """The cursor of this page's first item; None when the page is empty."""
        return self.cursor_of(self.items[0]) if self.items else None

    @property
    def end_cursor(self) -> str | None:
        """The cursor of this page's last item; None when the page is empty."""
        return self.cursor_of(self.items[-1]) if self.items else None

    def cursor_of(self, item: Item) -> str:
        """The cursor of `item`, one of this page's: the list resumes after it (`after`) or
        before it (`before`)."""
        return self.codec.encode(self._position(item))

    def _position(self, item: Item) -> Position:
        return Position(self.ordering, *self.place_of(item))


class CursorCodec:
    """Encodes positions as opaque strings and refuses any it did not sign."""

    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, b"aetherflow.cursor.v1", hashlib.sha256).digest()

    def encode(self, position: Position) -> str:
        # Compact, ASCII only: the bytes `json.dumps(..., separators=(",", ":"))` gives.
        payload = json_codec.dumps(
            [position.ordering, position.sort_key.isoformat(), str(position.id)]
        )
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
        return hmac.digest(self._key, payload, "sha256")[:_SIGNATURE_BYTES]


class FetchRows(Protocol[Row_co]):
    """Up to `limit` rows after a position (from the start when None), in the list's order;
    with `reverse`, in the reverse order: the rows before the position, nearest first (from
    the end of the list when None)."""

    def __call__(
        self, *, after: Position | None, limit: int, reverse: bool
    ) -> Awaitable[Sequence[Row_co]]: ...


@dataclass(frozen=True)
class PageRequest:
    """What a face asks of a list: up to `limit` items after `cursor`, as the client sent it;
    with `backward`, the `limit` items just before `cursor` (the list's last ones without)."""

    cursors: CursorCodec
    cursor: str | None
    limit: int
    backward: bool = False

    def for_list(self, ordering: str) -> Pager:
        """The request for the list under `ordering`; a cursor made for another list, or not
        made by us, is refused here (422)."""
        return Pager(
            self.cursors,
            ordering,
            self.cursors.decode(self.cursor, ordering=ordering),
            self.limit,
            self.backward,
        )


@dataclass(frozen=True)
class Pager:
    """Reads one page of a keyset-ordered list, forwards from `start` or backwards to it."""

    cursors: CursorCodec
    ordering: str
    start: Position | None
    limit: int
    backward: bool = False

    async def fetch(self, rows: FetchRows[Item], place_of: PlaceOf[Item]) -> Page[Item]:
        """One row beyond the page tells whether another page follows (or, read backwards,
        precedes)."""
        limit = self.limit
        fetched = list(await rows(after=self.start, limit=limit + 1, reverse=self.backward))
        if self.backward:
            items = fetched[:limit][::-1]
            return Page(items, False, self.ordering, place_of, self.cursors, len(fetched) > limit)
        return Page(fetched[:limit], len(fetched) > limit, self.ordering, place_of, self.cursors)


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        details=[{"path": "cursor", "message": "not a cursor from a previous page of this list"}]
    )
