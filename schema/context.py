"""The per-request GraphQL context: the runtime, the caller, the tenant, per-request loaders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from app.bootstrap import Runtime
from app.core import request_context
from app.core.errors import AppError, PayloadTooLarge
from app.core.outages import dependency_error, note_refusal
from app.http import request_body
from app.http.auth import get_runtime, verify_key_for_tenant
from app.tenants.auth import Principal
from schema.loaders import Loaders
from schema.operation_state import OperationState


class GraphQLRequestRefused(Exception):
    """An HTTP-level refusal (401, 403, 429) answered with a GraphQL error body (and, for a 429
    on a document whose cost is known, the body's `extensions`)."""

    def __init__(self, error: AppError, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.extensions = extensions


class Context(BaseContext):
    def __init__(self, runtime: Runtime, tenant_reference: str) -> None:
        super().__init__()
        self.runtime = runtime
        self.tenant_reference = tenant_reference
        self.principal: Principal | None = None
        self.loaders: Loaders | None = None
        # An HTTP operation's persisted source and cost (schema/points.py).
        self.operation: OperationState | None = None

    def authenticated(self, principal: Principal) -> None:
        self.principal = principal
        self.loaders = Loaders(self.runtime.db, principal.tenant_id)
        if (context := request_context.current()) is not None:
            context.tenant_id = str(principal.tenant_id)

    def require(self, scope: str) -> Principal:
        """The caller's principal, which must hold `scope` (InsufficientScope otherwise)."""
        assert self.principal is not None, "authenticated before any resolver runs"
        self.principal.require(scope)
        return self.principal

    @property
    def correlation_id(self) -> str | None:
        return request_context.current_correlation_id()


async def read_body_within_limit(connection: HTTPConnection) -> None:
    """Size before the key, as on REST: an oversized body is a 413 with a GraphQL body."""
    try:
        await request_body.read_body_within_limit(connection)
    except PayloadTooLarge as error:
        raise GraphQLRequestRefused(error) from None


async def get_context(
    connection: HTTPConnection, tenant_reference: Annotated[str, Path(alias="tenantId")]
) -> Context:
    """HTTP requests authenticate here (401/403 as HTTP statuses); WebSockets authenticate
    from `connection_init` instead. The rate limit comes once the document's cost is known
    (schema/points.py). The runtime is read straight from the connection: a
    sub-dependency costs FastAPI a resolution per request, and a sync one a worker thread."""
    runtime = get_runtime(connection)
    context = Context(runtime, tenant_reference)
    if connection.scope["type"] == "http":
        try:
            principal = await verify_key_for_tenant(
                connection, runtime, tenant_reference, connection.headers.get("authorization")
            )
        except Exception as exc:
            raise refusal(exc) from None
        context.authenticated(principal)
    return context


def refusal(exc: Exception) -> Exception:
    """A refusal answered with a GraphQL body: a contract error, or a dependency outage as
    one; anything else unchanged (a 500)."""
    if isinstance(exc, AppError):
        return GraphQLRequestRefused(exc)
    outage = dependency_error(exc)
    if outage is None:
        return exc
    note_refusal(exc, outage)
    return GraphQLRequestRefused(outage)
