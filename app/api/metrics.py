"""`GET /metrics` (CONTRACT.md §2): Prometheus text format, behind METRICS_TOKEN when it is set."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import RuntimeDep
from app.core import fleet_metrics, metrics
from app.monitoring import system_state

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {metrics.CONTENT_TYPE: {}}, "description": "Prometheus text format."},
        401: {
            "description": "`unauthenticated`: METRICS_TOKEN is set and the request does not "
            "carry `Authorization: Bearer <METRICS_TOKEN>` (`WWW-Authenticate: Bearer`)."
        },
    },
)
async def scrape_metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Every live process's metrics (each series labelled `instance` and `role`), with the
    outbox, delivery, run and schema gauges read from the database.

    Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set. Not rate limited.
    """
    if not metrics.token_accepted(
        request.headers.get("authorization"), runtime.settings.metrics_token
    ):
        raise metrics.MetricsTokenRequired
    identity = fleet_metrics.ProcessIdentity.of_this_process("api")
    state, others = await asyncio.gather(
        system_state.read_state(runtime.db), fleet_metrics.read_others(runtime.redis, identity)
    )
    processes = [fleet_metrics.own_metrics(identity), *others]
    gauges = system_state.state_families(state)
    return Response(
        fleet_metrics.fleet_exposition(processes, gauges), media_type=metrics.CONTENT_TYPE
    )
