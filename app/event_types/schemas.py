"""The event-type catalog's output (CONTRACT.md §14)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from app.core.schemas import OutputModel


class EventTypeOut(OutputModel):
    type: str = Field(description="The event's `type`, e.g. `report.created`.")
    description: str = Field(description="When the event is sent.")
    json_schema: dict[str, Any] = Field(
        alias="schema", description="The JSON Schema (2020-12) of the event's `data`."
    )


class EventTypeCatalogOut(OutputModel):
    data: list[EventTypeOut]
