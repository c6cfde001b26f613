"""Shared dependencies: the runtime, the database, and the caller's key, tenant and scopes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.requests import HTTPConnection

from app.core import request_context
from app.core.runtime import Runtime
from app.tenants.auth import Principal
from db.session import Database


def get_runtime(connection: HTTPConnection) -> Runtime:
    runtime: Runtime = connection.app.state.runtime
    return runtime


def get_database(connection: HTTPConnection) -> Database:
    return get_runtime(connection).db


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Db = Annotated[Database, Depends(get_database)]


async def authenticate(
    request: Request, tenant: Annotated[str, Path(alias="tenantId")]
) -> Principal:
    """The key's principal, checked against the tenant named in the path (401, then 403)."""
    principal = await get_runtime(request).keys.verify(request.headers.get("authorization"))
    principal.check_tenant(tenant)
    if (context := request_context.current()) is not None:
        context.tenant_id = str(principal.tenant_id)
    return principal


Authenticated = Annotated[Principal, Depends(authenticate)]


def require_scope(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the authenticated principal, which must hold `scope` (else 403)."""

    async def dependency(principal: Authenticated) -> Principal:
        principal.require(scope)
        return principal

    return dependency
