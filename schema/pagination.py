"""Relay-style connections over the services' pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry

from app.bootstrap import Runtime
from app.core.errors import ValidationFailed
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest
from schema import described

Row = TypeVar("Row")
Connection = TypeVar("Connection")

# A connection's arguments (docs/GRAPHQL-RELAY.md): `first`/`after` page forwards,
# `last`/`before` backwards; neither count given means `first: 20`.
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page forwards: at most this many items (1..{MAX_LIMIT}; "
        f"{DEFAULT_LIMIT} when neither `first` nor `last` is given). Not with `last`."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Page forwards from the item of this cursor (an edge's `cursor` or "
        "`pageInfo.endCursor`), exclusive. Not with `before`."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page backwards: at most this many items (1..{MAX_LIMIT}), the last "
        "ones of the list or the ones just before `before`, in the list's order. "
        "Not with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Page backwards to the item of this cursor (an edge's `cursor` or "
        "`pageInfo.startCursor`), exclusive. Not with `after`."
    ),
]


@strawberry.type(
    description="Where a connection's page stands in its list (Relay's PageInfo; "
    "docs/GRAPHQL-RELAY.md)."
)
class PageInfo:
    page: strawberry.Private[Page[Any]]

    @described.field(
        "Paging forwards (`first`/`after`): whether items follow this page. "
        "Always false when paging backwards."
    )
    def has_next_page(self) -> bool:
        return self.page.has_next

    @described.field(
        "Paging backwards (`last`/`before`): whether items precede this page. "
        "Always false when paging forwards."
    )
    def has_previous_page(self) -> bool:
        return self.page.has_previous

    @described.field(
        "The cursor of the page's first edge (pass it as `before` for the "
        "items just before the page); null when the page is empty."
    )
    def start_cursor(self) -> str | None:
        return self.page.start_cursor

    @described.field(
        "The cursor of the page's last edge (pass it as `after` for the items "
        "just after the page); null when the page is empty."
    )
    def end_cursor(self) -> str | None:
        return self.page.end_cursor


def page_request(
    runtime: Runtime,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> PageRequest:
    """The page that a connection's arguments ask for: `first` items after `after`, or `last`
    items before `before` (docs/GRAPHQL-RELAY.md). Both counts, both cursors, a count with the
    other direction's cursor, or a count out of range is a validation error."""
    if first is not None and last is not None:
        raise _refused("last", "cannot be given with `first`; page forwards or backwards")
    if after is not None and before is not None:
        raise _refused("before", "cannot be given with `after`; page forwards or backwards")
    backward = last is not None or before is not None
    if backward and first is not None:
        raise _refused("first", "pages forwards, from `after`; use `last` with `before`")
    if backward and after is not None:
        raise _refused("after", "pages forwards, with `first`; use `before` with `last`")
    count, name = (last, "last") if backward else (first, "first")
    if count is None:
        count = DEFAULT_LIMIT
    if not 1 <= count <= MAX_LIMIT:
        raise _refused(name, f"must be between 1 and {MAX_LIMIT}")
    return PageRequest(runtime.cursors, before if backward else after, count, backward)


def _refused(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"path": path, "message": message}])


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
