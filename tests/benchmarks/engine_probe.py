"""Count the SQL statements every engine of this process sends, for benchmarks and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statement_counter() -> Iterator[Callable[[], int]]:
    """Count statements on every engine while the block runs; call the result for the count."""
    count = 0

    def record(*_: Any) -> None:
        nonlocal count
        count += 1

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield lambda: count
    finally:
        event.remove(Engine, "before_cursor_execute", record)
