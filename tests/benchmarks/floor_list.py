"""The read baseline: bare Starlette + asyncpg serving `GET /v1/tenants/{id}/reports?limit=N`.

One keyset query (published reports by `published_at DESC, id DESC`, LIMIT N+1 for the next
cursor) on the product's own `reports` table through an asyncpg pool of 10, jsonb decoded and
the response encoded by orjson: the work the product's list does, with nothing around it.
Run by the bench: `python -m tests.benchmarks.floor_list PORT DATABASE_URL`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

POOL_SIZE = 10
COLUMNS = "id, slug, title, summary, content, published_at, created_at, updated_at"
FIRST_PAGE = f"""SELECT {COLUMNS} FROM reports
 WHERE tenant_id = $1 AND published_at IS NOT NULL
 ORDER BY published_at DESC, id DESC LIMIT $2"""
NEXT_PAGE = f"""SELECT {COLUMNS} FROM reports
 WHERE tenant_id = $1 AND published_at IS NOT NULL AND (published_at, id) < ($3, $4)
 ORDER BY published_at DESC, id DESC LIMIT $2"""


async def _jsonb_codec(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        format="text",
        encoder=lambda value: orjson.dumps(value).decode(),
        decoder=orjson.loads,
    )


def _json(content: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(content, option=orjson.OPT_UTC_Z), status, media_type="application/json"
    )


def _cursor(row: asyncpg.Record) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([row["published_at"], str(row["id"])])).decode()


def _after(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    published_at, row_id = orjson.loads(base64.urlsafe_b64decode(cursor))
    return dt.datetime.fromisoformat(published_at), uuid.UUID(row_id)


def _item(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "slug": row["slug"],
        "title": row["title"],
        "summary": row["summary"],
        "content": row["content"],
        "publishedAt": row["published_at"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


async def list_reports(request: Request) -> Response:
    try:
        tenant = uuid.UUID(request.path_params["tenant"])
        limit = int(request.query_params.get("limit", "20"))
        cursor = request.query_params.get("cursor")
        if not 1 <= limit <= 100:
            raise ValueError("limit")
    except ValueError:
        return _json({"error": {"code": "validation_error"}}, 422)
    pool: asyncpg.Pool = request.app.state.pool
    if cursor:
        rows = await pool.fetch(NEXT_PAGE, tenant, limit + 1, *_after(cursor))
    else:
        rows = await pool.fetch(FIRST_PAGE, tenant, limit + 1)
    next_cursor = _cursor(rows[limit - 1]) if len(rows) > limit else None
    return _json({"data": [_item(row) for row in rows[:limit]], "nextCursor": next_cursor})


async def health(request: Request) -> Response:
    return _json({"status": "ok"})


def app(database_url: str) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            database_url, min_size=POOL_SIZE, max_size=POOL_SIZE, init=_jsonb_codec
        )
        yield
        await app.state.pool.close()

    return Starlette(
        lifespan=lifespan,
        routes=[Route("/v1/tenants/{tenant}/reports", list_reports), Route("/health", health)],
    )


if __name__ == "__main__":
    port, database_url = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(
        app(database_url),
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
