"""`WebhookEndpoint.stats(window)`: an endpoint's delivery statistics (CONTRACT.md §14), read
through app.webhooks.stats as `GET .../webhook-endpoints/{id}/stats` reads them."""

from __future__ import annotations

import uuid
from enum import Enum

import strawberry
from strawberry.experimental.pydantic import type as from_model

from app.core.errors import NotFound
from app.webhooks import stats
from app.webhooks.schemas import DeliveryStatsOut
from schema.context import Context


@strawberry.enum(description="A window of delivery statistics, ending now.")
class StatsWindow(Enum):
    ONE_HOUR = strawberry.enum_value("1h", description="The last hour (REST `1h`).")
    TWENTY_FOUR_HOURS = strawberry.enum_value("24h", description="The last 24 hours (REST `24h`).")


_REST_WINDOWS = {
    StatsWindow.ONE_HOUR: stats.StatsWindow.HOUR,
    StatsWindow.TWENTY_FOUR_HOURS: stats.StatsWindow.DAY,
}


@from_model(
    model=DeliveryStatsOut,
    all_fields=True,
    description="An endpoint's delivery statistics over a window (docs/WEBHOOKS.md).",
)
class WebhookEndpointStats:
    window: StatsWindow


async def endpoint_stats(
    context: Context, endpoint_id: uuid.UUID, window: StatsWindow
) -> WebhookEndpointStats | None:
    """The statistics, with scope `webhooks:read`; null once the endpoint is gone."""
    who = context.require("webhooks:read")
    async with context.runtime.db.unit_of_work() as session:
        try:
            found = await stats.endpoint_stats(
                session,
                tenant_id=who.tenant_id,
                endpoint_id=endpoint_id,
                window=_REST_WINDOWS[window],
            )
        except NotFound:
            return None
    built: WebhookEndpointStats = WebhookEndpointStats.from_pydantic(  # type: ignore[attr-defined]
        DeliveryStatsOut.model_validate(found)
    )
    return built
