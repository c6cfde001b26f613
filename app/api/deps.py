"""Shared dependencies: the runtime, the database, and the caller's key, tenant and scopes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from starlette.requests import HTTPConnection

from app.bootstrap import Runtime
from app.core import request_context
from app.core.errors import Unauthenticated
from app.rate_limit.enforce import limit_auth_failure, limit_rest_request
from app.tenants.auth import Principal
from db.session import Database


def get_runtime(connection: HTTPConnection) -> Runtime:
    runtime: Runtime = connection.app.state.runtime
    return runtime


def get_database(connection: HTTPConnection) -> Database:
    return get_runtime(connection).db


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Db = Annotated[Database, Depends(get_database)]


async def verify_key_for_tenant(
    connection: HTTPConnection, runtime: Runtime, tenant_reference: str, authorization: str | None
) -> Principal:
    """The key's principal for the path's tenant; a failed key counts against the address."""
    try:
        principal = await runtime.keys.verify(authorization)
    except Unauthenticated:
        await limit_auth_failure(connection, runtime)
        raise
    principal.check_tenant(tenant_reference)
    return principal


async def authenticate(
    request: Request, tenant: Annotated[str, Path(alias="tenantId")]
) -> Principal:
    """The key's principal, checked against the tenant named in the path (401, then 403).

    A failed key counts against the client address; past its quota the answer is 429.
    """
    principal = await verify_key_for_tenant(
        request, get_runtime(request), tenant, request.headers.get("authorization")
    )
    if (context := request_context.current()) is not None:
        context.tenant_id = str(principal.tenant_id)
    return principal


Authenticated = Annotated[Principal, Depends(authenticate)]
# The scope each `require_scope` dependency checks, for the OpenAPI document.
REQUIRED_SCOPES: dict[Callable[..., Any], str] = {}


def require_scope(scope: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the authenticated principal, which must hold `scope` (else 403), and
    whose tenant has quota left for this request's group (else 429)."""

    async def dependency(request: Request, principal: Authenticated) -> Principal:
        principal.require(scope)
        await limit_rest_request(request, get_runtime(request), principal.tenant_id)
        return principal

    REQUIRED_SCOPES[dependency] = scope
    return dependency
