"""The caller's key, checked for the tenant the path names, for both faces."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from app.bootstrap import Runtime
from app.core import request_context
from app.core.errors import Unauthenticated
from app.rate_limit.enforce import limit_auth_failure
from app.sessions.tokens import looks_like_token
from app.tenants.auth import Principal, bearer_token


def get_runtime(connection: HTTPConnection) -> Runtime:
    runtime: Runtime = connection.app.state.runtime
    return runtime


async def runtime_of(connection: HTTPConnection) -> Runtime:
    """`get_runtime` as a dependency: FastAPI runs a plain function in a worker thread."""
    return get_runtime(connection)


async def verify_key_for_tenant(
    connection: HTTPConnection, runtime: Runtime, tenant_reference: str, authorization: str | None
) -> Principal:
    """The caller's principal for the path's tenant, from an API key or a token (told apart by
    the credential's shape); a failed credential counts against the address. A token is
    also checked against the request's `Origin` (a WebSocket's handshake's included)."""
    try:
        credential = bearer_token(authorization)
        if credential is not None and looks_like_token(credential):
            principal = await runtime.tokens.verify(credential)
        else:
            principal = await runtime.keys.verify(credential)
    except Unauthenticated:
        await limit_auth_failure(connection, runtime)
        raise
    if principal.origins is not None and (context := request_context.current()) is not None:
        context.subject = principal.subject
        context.session_id = principal.session_id
    principal.check_tenant(tenant_reference)
    if principal.origins is not None:
        principal.check_origin(connection.headers.get("origin"))
    return principal
