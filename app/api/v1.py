"""The `/v1` REST surface: every domain router, behind the body-size check.

Domain routers carry their full path in their own prefix (not through `include_router`), so
the route template the logs and metrics report is the whole path.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from app.http.request_body import read_body_within_limit


def include_v1(app: FastAPI, *routers: APIRouter) -> None:
    for router in routers:
        app.include_router(router, dependencies=[Depends(read_body_within_limit)])
