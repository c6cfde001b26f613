"""A router used only by the tests of cross-cutting HTTP behaviour (order of checks, 500)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Security
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from sqlalchemy import text

from app.api.body import json_body
from app.api.deps import Authenticated, RuntimeDep, api_key
from app.api.v1 import include_v1
from app.http.paths import TENANT_PREFIX
from app.tenants.auth import Principal


class ProbeItem(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")
    display_name: str = Field(min_length=1)


class ProbeIn(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")
    probe_items: list[ProbeItem]


router = APIRouter(prefix=f"{TENANT_PREFIX}/probe")
Writer = Annotated[Principal, Security(api_key, scopes=["reports:write"])]


@router.post("")
async def accept(who: Writer, body: Annotated[ProbeIn, Depends(json_body(ProbeIn))]) -> Any:
    return {"data": {"tenantId": str(who.tenant_id), "count": len(body.probe_items)}}


@router.get("/boom")
async def boom(who: Authenticated) -> Any:
    raise RuntimeError("SELECT key_hash FROM api_keys -- afk_secret")


@router.get("/database")
async def database(who: Authenticated, runtime: RuntimeDep) -> Any:
    async with runtime.db.unit_of_work() as session:
        return {"data": await session.scalar(text("SELECT 1"))}


def mount_probe(app: FastAPI) -> None:
    include_v1(app, router)
