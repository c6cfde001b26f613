"""The caller's key, checked for the tenant the path names, for both faces."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from app.bootstrap import Runtime
from app.core.errors import Unauthenticated
from app.rate_limit.enforce import limit_auth_failure
from app.tenants.auth import Principal


def get_runtime(connection: HTTPConnection) -> Runtime:
    runtime: Runtime = connection.app.state.runtime
    return runtime


async def runtime_of(connection: HTTPConnection) -> Runtime:
    """`get_runtime` as a dependency: FastAPI runs a plain function in a worker thread."""
    return get_runtime(connection)


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
