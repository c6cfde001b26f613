"""The two ways a run is started: ActivePieces' webhook trigger, or the built-in sandbox."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from app.core.config import Settings
from app.webhooks.signing import signed_headers
from db.models.automation_run import AutomationRun, RunStatus


@dataclass(frozen=True)
class DispatchResult:
    """What the provider answered: a status code, or an error when nothing came back."""

    status_code: int | None
    error: str | None = None
    retry_after: str | None = None
    provider_run_id: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def callback_url(settings: Settings, tenant_id: uuid.UUID) -> str:
    base = str(settings.public_base_url).rstrip("/")
    return f"{base}/v1/tenants/{tenant_id}/webhooks/activepieces"


async def _post(
    http: httpx.AsyncClient,
    url: str,
    *,
    body: str,
    headers: dict[str, str],
    timeout_seconds: float,
) -> httpx.Response | DispatchResult:
    try:
        return await http.post(
            url,
            content=body.encode(),
            headers={"content-type": "application/json", **headers},
            timeout=timeout_seconds,
            follow_redirects=False,
        )
    except httpx.TimeoutException:
        return DispatchResult(None, f"timed out after {timeout_seconds:g}s")
    except httpx.HTTPError as exc:
        return DispatchResult(None, f"{type(exc).__name__}: {exc}"[:500])


async def dispatch_to_activepieces(
    http: httpx.AsyncClient, settings: Settings, run: AutomationRun
) -> DispatchResult:
    """POST the run to the flow's Catch Webhook trigger."""
    base = str(settings.activepieces_base_url).rstrip("/")
    body = json.dumps(
        {
            "runId": str(run.id),
            "tenantId": str(run.tenant_id),
            "correlationId": run.correlation_id,
            "input": run.input,
            "callbackUrl": callback_url(settings, run.tenant_id),
        },
        separators=(",", ":"),
    )
    answer = await _post(
        http,
        f"{base}/api/v1/webhooks/{run.flow_id}",
        body=body,
        headers={"x-correlation-id": run.trace_id or run.correlation_id},
        timeout_seconds=settings.automation_dispatch_timeout_seconds,
    )
    if isinstance(answer, DispatchResult):
        return answer
    return DispatchResult(
        answer.status_code,
        retry_after=answer.headers.get("retry-after"),
        provider_run_id=_run_id(answer),
    )


def _run_id(response: httpx.Response) -> str | None:
    try:
        document: Any = response.json()
    except ValueError:
        return None
    run_id = document.get("runId") if isinstance(document, dict) else None
    return run_id if isinstance(run_id, str) and run_id else None


async def complete_in_sandbox(
    http: httpx.AsyncClient, settings: Settings, run: AutomationRun
) -> DispatchResult:
    """Play the provider: signed `running`, then `succeeded` with the input as output, sent to
    this service's public callback URL like any provider would."""
    provider_run_id = f"sandbox-{run.id}"
    bound = {"runId": str(run.id), "correlationId": run.correlation_id}
    for callback in (
        {**bound, "status": RunStatus.RUNNING, "providerRunId": provider_run_id},
        {**bound, "status": RunStatus.SUCCEEDED, "output": run.input},
    ):
        result = await _send_callback(http, settings, run, callback)
        # 409: this step was already applied by an earlier, interrupted dispatch.
        if not result.accepted and result.status_code != 409:
            return result
    return DispatchResult(200, provider_run_id=provider_run_id)


async def _send_callback(
    http: httpx.AsyncClient, settings: Settings, run: AutomationRun, callback: dict[str, Any]
) -> DispatchResult:
    body = json.dumps(callback, separators=(",", ":"))
    secret = settings.activepieces_webhook_secret[0]
    answer = await _post(
        http,
        callback_url(settings, run.tenant_id),
        body=body,
        headers={
            **signed_headers(secret, body),
            "x-correlation-id": run.trace_id or run.correlation_id,
        },
        timeout_seconds=settings.automation_dispatch_timeout_seconds,
    )
    if isinstance(answer, DispatchResult):
        return answer
    return DispatchResult(answer.status_code, retry_after=answer.headers.get("retry-after"))
