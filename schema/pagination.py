"""Relay-style connections over the services' pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.bootstrap import Runtime
from app.core.errors import ValidationFailed
from app.core.pagination import MAX_LIMIT, Page, PageRequest
from schema.types import PageInfo

Row = TypeVar("Row")
Connection = TypeVar("Connection")


def page_request(runtime: Runtime, first: int, after: str | None) -> PageRequest:
    """The page that a connection's `first` and `after` ask for; `first` out of range is a 422."""
    if not 1 <= first <= MAX_LIMIT:
        raise ValidationFailed(
            details=[{"path": "first", "message": f"must be between 1 and {MAX_LIMIT}"}]
        )
    return PageRequest(runtime.cursors, after, first)


def connection(
    page: Page[Row],
    node: Callable[[Row], Any],
    edge: Callable[..., Any],
    of: Callable[..., Connection],
) -> Connection:
    """A connection of `of`'s type: an `edge` per item of the page, with its node, its row and
    the page (which signs the edge's cursor when it is selected)."""
    edges = [edge(node=node(row), row=row, page=page) for row in page.items]
    return of(edges=edges, page_info=PageInfo(page=page))
