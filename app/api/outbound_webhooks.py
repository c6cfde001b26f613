"""The events AetherFlow POSTs to webhook endpoints (CONTRACT.md §8, §14), as OpenAPI `webhooks`.

One operation per entry of the event-type catalog (app/event_types/catalog.py), with the catalog's
description and `data` model, so the document and `GET /v1/event-types` say the same; each
declares the body and the Standard Webhooks headers it is signed with. They document what
app/webhooks/delivery.py sends; nothing calls them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header
from pydantic import BaseModel, Field, create_model

from app.api.openapi_examples import ENDPOINT, REPORT, RUN
from app.core.schemas import OutputModel
from app.core.time import UtcDateTime
from app.event_types.catalog import CATALOG, CatalogEntry
from app.webhooks.schemas import TestEventData

router = APIRouter(
    tags=["outbound webhooks"],
    responses={
        "2XX": {"description": "Delivered."},
        "default": {"description": "Retried (408, 429, 5xx, timeouts) or dead."},
    },
)


def _absent_not_null(schema: dict[str, Any]) -> None:
    """An optional header is absent or a string, never null."""
    schema.pop("anyOf", None)
    schema.pop("default", None)
    schema["type"] = "string"


class DeliveryHeaders(BaseModel):
    webhook_id: str = Field(
        description="The event id: the same on every attempt and for every endpoint."
    )
    webhook_timestamp: str = Field(description="Unix seconds of this attempt.")
    webhook_signature: str = Field(
        description="Space-separated `v1,<base64 HMAC-SHA256>` over "
        "`{webhook-id}.{webhook-timestamp}.{body}`; two entries during a secret rotation."
    )
    x_correlation_id: str = Field(
        description="The correlation id of the request or job that caused the event."
    )
    x_request_id: str | None = Field(
        default=None,
        description="The `X-Request-Id` of the API request that caused the event (as the API "
        "answered it); absent when a job caused it. Deliveries can be listed by it: "
        "`GET /v1/tenants/{tenantId}/webhook-deliveries?requestId=`.",
        json_schema_extra=_absent_not_null,
    )


Signed = Annotated[DeliveryHeaders, Header()]


class _Event(OutputModel):
    type: str
    timestamp: UtcDateTime = Field(
        description="When the event occurred: the same on every attempt.",
        json_schema_extra={"format": "date-time"},
    )


# An example `data` for each kind of payload.
_EXAMPLE_DATA: dict[type[BaseModel], BaseModel] = {
    type(REPORT): REPORT,
    type(RUN): RUN,
    type(ENDPOINT): ENDPOINT,
    TestEventData: TestEventData(endpoint_id=ENDPOINT.id),
}


def event_model(entry: CatalogEntry) -> type[_Event]:
    """The body of `entry`'s webhook: `{type, timestamp, data}`."""
    return create_model(
        entry.event_model_name,
        __base__=_Event,
        type=(Literal[entry.event_type], ...),  # type: ignore[arg-type]
        data=(entry.data_model, ...),
    )


def _operation(entry: CatalogEntry) -> Callable[..., None]:
    """A route function whose body parameter is `entry`'s event, with an example."""
    model = event_model(entry)
    example = model(
        type=entry.event_type,
        timestamp=datetime(2026, 11, 24, 10, tzinfo=UTC),
        data=_EXAMPLE_DATA[entry.data_model],
    )
    examples: dict[str, Any] = {entry.event_type: {"value": example.model_dump(mode="json")}}

    def operation(event: Any, headers: Any) -> None:
        """Documentation only."""

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    operation.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "event", kind, annotation=Annotated[model, Body(openapi_examples=examples)]
            ),
            inspect.Parameter("headers", kind, annotation=Signed),
        ],
        return_annotation=None,
    )
    operation.__name__ = entry.function_name
    return operation


for _entry in CATALOG:
    router.add_api_route(
        _entry.event_type,
        _operation(_entry),
        methods=["POST"],
        name=_entry.function_name,
        description=_entry.description,
    )
