"""The query parameters of every REST list: `limit` and `cursor` (CONTRACT.md §1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.api.deps import RuntimeDep
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest


async def page_request(
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> PageRequest:
    return PageRequest(runtime.cursors, cursor, limit)


Paging = Annotated[PageRequest, Depends(page_request)]
