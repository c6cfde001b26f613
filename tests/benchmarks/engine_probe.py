"""Count the SQL statements every engine of this process sends, for benchmarks and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def statement_counter() -> AbstractContextManager[Callable[[], int]]:
    """Count statements on every engine while the block runs; call the result for the count."""
    return engine_event_counter("before_cursor_execute")


def transactions_begun() -> AbstractContextManager[Callable[[], int]]:
    """Count the transactions SQLAlchemy begins on every engine while the block runs."""
    return engine_event_counter("begin")


@contextmanager
def engine_event_counter(name: str) -> Iterator[Callable[[], int]]:
    """Count the engine event `name` on every engine while the block runs."""
    count = 0

    def record(*_: Any) -> None:
        nonlocal count
        count += 1

    event.listen(Engine, name, record)
    try:
        yield lambda: count
    finally:
        event.remove(Engine, name, record)
