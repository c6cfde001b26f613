"""The event-type catalog in GraphQL: the entries `GET /v1/event-types` serves."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.event_types.catalog import catalog_document
from schema import described
from schema.context import Context
from schema.webhook_types import EventType


@strawberry.type
class EventTypeQueries:
    @described.field(
        description="Every event type AetherFlow sends, with what it means and the JSON Schema "
        "of its `data` (the public catalog: any caller of the tenant may read it)."
    )
    def event_types(self, info: Info[Context, None]) -> list[EventType]:
        return [EventType.of(entry) for entry in catalog_document().entries]
