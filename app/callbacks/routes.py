"""`POST /v1/tenants/{t}/webhooks/activepieces` (CONTRACT.md §7): provider callbacks.

Authenticated by a Standard Webhooks signature, not an API key, and not rate limited per
tenant. Order: signature (401), media type (415), JSON (400), body (422), tenant (404),
replay (409, 503 without Redis), the run (404, 409).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from loguru import logger
from redis.exceptions import RedisError

from app.api.body import json_body
from app.api.deps import RuntimeDep
from app.api.operation_docs import SIGNATURE_HEADERS, documented
from app.automation_runs import transitions
from app.automation_runs.schemas import CallbackIn, RunEnvelope, RunOut
from app.callbacks.replay import ReplayGuard
from app.callbacks.signature import verify_signature
from app.core import request_context
from app.core.errors import (
    InvalidSignature,
    NotFound,
    Overloaded,
    RateLimited,
    RunAlreadyCompleted,
    ServiceUnavailable,
    WebhookReplayed,
)
from app.http.paths import TENANT_PREFIX
from app.outbox.events import EventOrigin
from app.rate_limit.enforce import limit_auth_failure
from app.tenants import service as tenants

router = APIRouter(prefix=f"{TENANT_PREFIX}/webhooks", tags=["callbacks"])


@documented(raises=(InvalidSignature, RateLimited), parameters=SIGNATURE_HEADERS)
async def signed_callback(request: Request, runtime: RuntimeDep) -> None:
    """A bad signature counts against the client address, like a bad API key."""
    try:
        verify_signature(
            runtime.settings.activepieces_webhook_secret, request.headers, await request.body()
        )
    except InvalidSignature:
        await limit_auth_failure(request, runtime)
        raise


Signed = Annotated[None, Depends(signed_callback)]
Callback = Annotated[CallbackIn, Depends(json_body(CallbackIn))]


@router.post("/activepieces")
@documented(
    # The tenant and the run are looked up in the database, the webhook-id in Redis.
    raises=(NotFound, WebhookReplayed, RunAlreadyCompleted, ServiceUnavailable, Overloaded)
)
async def apply_activepieces_callback(
    _: Signed,
    callback: Callback,
    request: Request,
    runtime: RuntimeDep,
    tenant_reference: Annotated[str, Path(alias="tenantId")],
) -> RunEnvelope:
    """Apply a run's status sent by ActivePieces (or the sandbox)."""
    async with runtime.db.unit_of_work() as session:
        tenant = await tenants.resolve_tenant(session, tenant_reference)
    if (context := request_context.current()) is not None:
        context.tenant_id = str(tenant.id)
    guard = ReplayGuard(runtime.redis, request.headers["webhook-id"])
    await guard.reserve()
    try:
        async with runtime.db.unit_of_work() as session:
            run = await transitions.apply_callback(
                session,
                tenant_id=tenant.id,
                callback=callback,
                origin=EventOrigin.of_request(),
            )
    except BaseException:
        await guard.release()
        raise
    try:
        await guard.remember()
    except (RedisError, OSError):
        logger.warning("callback applied but its webhook-id could not be remembered")
    return RunEnvelope(data=RunOut.model_validate(run))
