"""Shared dependencies: the runtime, the database, and the caller's key, tenant and scopes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security import SecurityScopes
from fastapi.security.base import SecurityBase

from app.api.operation_docs import RATE_LIMIT_HEADERS, OperationDoc, documented
from app.bootstrap import Runtime
from app.core import request_context
from app.core.errors import (
    InsufficientScope,
    Overloaded,
    RateLimited,
    ServiceUnavailable,
    TenantForbidden,
    Unauthenticated,
)
from app.http.auth import get_runtime, runtime_of, verify_key_for_tenant
from app.rate_limit.enforce import limit_rest_request
from app.tenants.auth import Principal

RuntimeDep = Annotated[Runtime, Depends(runtime_of)]


@documented(raises=(Unauthenticated, TenantForbidden, RateLimited, ServiceUnavailable, Overloaded))
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


async def authorize(request: Request, scope: str) -> Principal:
    """`Security(api_key, scopes=[scope])` as one plain call, for lean routes: the key for the
    path's tenant (401, 403), the scope (403), then the tenant's rate limit (429)."""
    runtime = get_runtime(request)
    principal = await verify_key_for_tenant(
        request, runtime, request.path_params["tenantId"], request.headers.get("authorization")
    )
    if (context := request_context.current()) is not None:
        context.tenant_id = str(principal.tenant_id)
    principal.require(scope)
    await limit_rest_request(request, runtime, principal.tenant_id)
    return principal


class ApiKey(SecurityBase):
    """The API key as a security scheme: `Security(api_key, scopes=[...])` gives the
    authenticated principal, which must hold every scope (else 403) and whose tenant has quota
    left for this request's group (else 429); the document shows the scopes on the operation."""

    openapi_doc = OperationDoc(raises=(InsufficientScope, RateLimited), headers=RATE_LIMIT_HEADERS)

    def __init__(self) -> None:
        self.model = HTTPBearerModel(
            description="An API key `afk_<prefix>_<secret>`, or a session token (a JWT from "
            "`POST /v1/tenants/{tenantId}/sessions` or a configured OpenID Connect issuer, "
            "bound to its origins); each operation names the scope it needs."
        )
        self.scheme_name = "apiKey"

    async def __call__(
        self, request: Request, security_scopes: SecurityScopes, principal: Authenticated
    ) -> Principal:
        for scope in security_scopes.scopes:
            principal.require(scope)
        await limit_rest_request(request, get_runtime(request), principal.tenant_id)
        return principal


api_key = ApiKey()
