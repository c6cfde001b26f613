"""`GET /metrics` (CONTRACT.md §2): Prometheus text format, behind METRICS_TOKEN when it is set."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import RuntimeDep
from app.core import metrics

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
    """This process's metrics, with the outbox, delivery and run gauges read from the database.

    Requires `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set. Not rate limited.
    """
    if not metrics.token_accepted(
        request.headers.get("authorization"), runtime.settings.metrics_token
    ):
        raise metrics.MetricsTokenRequired
    snapshot = await metrics.read_state(runtime.db)
    return Response(metrics.exposition(snapshot), media_type=metrics.CONTENT_TYPE)
