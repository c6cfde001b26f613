"""The query parameters of every REST list: `limit` and `cursor` (CONTRACT.md §1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from starlette.requests import Request

from app.api.deps import RuntimeDep
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from app.http.auth import get_runtime


async def page_request(
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> PageRequest:
    return PageRequest(runtime.cursors, cursor, limit)


Paging = Annotated[PageRequest, Depends(page_request)]


def plain_page_request(request: Request) -> PageRequest | None:
    """`limit` and `cursor` as `page_request` takes them, when `limit` is absent or plain
    decimal digits in range; None otherwise (FastAPI's validation answers those)."""
    params = request.query_params
    limit = params.get("limit")
    if limit is None:
        size = DEFAULT_LIMIT
    elif limit.isdigit() and limit.isascii() and 1 <= (size := int(limit)) <= MAX_LIMIT:
        pass
    else:
        return None
    return PageRequest(get_runtime(request).cursors, params.get("cursor"), size)
