import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import ValidationFailed
from app.core.pagination import CursorCodec, Page, PageRequest, Position

CURSORS = CursorCodec(b"test pepper")
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    created_at: datetime


ROWS = [Row(uuid.uuid4(), START + timedelta(minutes=minute)) for minute in range(5)]


async def oldest_first(*, after: Position | None, limit: int, reverse: bool) -> Sequence[Row]:
    """A keyset read over ROWS, as a repository does it over a table."""
    if reverse:
        earlier = [row for row in ROWS if after is None or row.created_at < after.sort_key]
        return earlier[::-1][:limit]
    later = [row for row in ROWS if after is None or row.created_at > after.sort_key]
    return later[:limit]


async def read(
    cursor: str | None, limit: int, ordering: str = "rows", *, backward: bool = False
) -> Page[Row]:
    pager = PageRequest(CURSORS, cursor, limit, backward).for_list(ordering)
    return await pager.fetch(oldest_first, lambda row: (row.created_at, row.id))


async def test_pages_follow_each_other_to_the_end() -> None:
    first = await read(None, 2)
    second = await read(first.next_cursor, 2)
    last = await read(second.next_cursor, 2)
    assert first.items + second.items + last.items == ROWS
    assert last.next_cursor is None


async def test_each_item_carries_the_cursor_that_resumes_after_it() -> None:
    page = await read(None, 3)
    assert page.next_cursor == page.cursor_of(page.items[-1])
    for index, item in enumerate(page.items):
        assert (await read(page.cursor_of(item), 5)).items == ROWS[index + 1 :]


async def test_a_page_that_ends_the_list_has_no_next_cursor() -> None:
    page = await read(None, len(ROWS))
    assert page.items == ROWS
    assert page.next_cursor is None
    assert page.end_cursor == page.cursor_of(ROWS[-1])


async def test_pages_read_backwards_are_in_the_list_order() -> None:
    last = await read(None, 2, backward=True)
    assert last.items == ROWS[3:]
    assert (last.has_previous, last.has_next) == (True, False)
    middle = await read(last.start_cursor, 2, backward=True)
    assert middle.items == ROWS[1:3]
    first = await read(middle.start_cursor, 2, backward=True)
    assert first.items == ROWS[:1]
    assert first.has_previous is False
    assert first.start_cursor == first.end_cursor == first.cursor_of(ROWS[0])


async def test_a_cursor_resumes_in_either_direction() -> None:
    page = await read(None, 5)
    assert page.has_previous is False
    cursor = page.cursor_of(ROWS[2])
    assert (await read(cursor, 5)).items == ROWS[3:]
    assert (await read(cursor, 5, backward=True)).items == ROWS[:2]
    assert (await read(cursor, 1, backward=True)).items == ROWS[1:2]


async def test_an_empty_page_has_no_cursors() -> None:
    page = await read((await read(None, 1)).start_cursor, 3, backward=True)
    assert page.items == []
    assert page.start_cursor is None
    assert page.end_cursor is None


@pytest.mark.parametrize("cursor", [None, ""])
async def test_no_cursor_starts_at_the_beginning(cursor: str | None) -> None:
    assert (await read(cursor, 1)).items == ROWS[:1]


async def test_a_cursor_of_another_list_or_signer_is_refused() -> None:
    cursor = (await read(None, 1)).next_cursor
    with pytest.raises(ValidationFailed):
        await read(cursor, 1, ordering="other rows")
    with pytest.raises(ValidationFailed):
        PageRequest(CursorCodec(b"another pepper"), cursor, 1).for_list("rows")


def test_a_cursor_is_the_same_text_as_cursors_issued_before() -> None:
    """The signed payload is compact JSON, signed with HMAC-SHA256 cut to its first bytes:
    cursors already held by clients stay valid, and new ones are the same text."""
    position = Position("rows", START + timedelta(microseconds=123_456), uuid.UUID(int=7))
    key = hmac.new(b"test pepper", b"aetherflow.cursor.v1", hashlib.sha256).digest()
    payload = json.dumps(
        [position.ordering, position.sort_key.isoformat(), str(position.id)],
        separators=(",", ":"),
    ).encode()
    signature = hmac.new(key, payload, hashlib.sha256).digest()[:12]
    issued_before = base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")
    assert CURSORS.encode(position) == issued_before
    assert CURSORS.decode(issued_before, ordering="rows") == position
