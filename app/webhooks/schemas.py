"""Webhook endpoint and delivery input and output (CONTRACT.md §8)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, field_validator

from app.core.schemas import InputModel, OutputModel, PageOut
from app.core.time import UtcDateTime
from app.outbox.events import EVENT_TYPES
from app.webhooks.ssrf import MAX_URL_LENGTH
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_endpoint import MAX_DELIVERIES_PER_SECOND, DisabledReason, Ordering

MAX_DESCRIPTION_LENGTH = 1000


def _known_event_type(value: str) -> str:
    if value not in EVENT_TYPES:
        raise ValueError(f"unknown event type; known types are {', '.join(EVENT_TYPES)}")
    return value


def _without_repeats(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


EventType = Annotated[str, AfterValidator(_known_event_type)]
# Repeats are dropped (the first occurrence keeps its place); null means every type.
EventTypes = Annotated[list[EventType], Field(min_length=1), AfterValidator(_without_repeats)]
WebhookUrl = Annotated[str, Field(min_length=1, max_length=MAX_URL_LENGTH)]
Description = Annotated[str | None, Field(max_length=MAX_DESCRIPTION_LENGTH)]
# Null: no cap of ours (the receiver's own limits still pace it).
DeliveriesPerSecond = Annotated[StrictInt | None, Field(ge=1, le=MAX_DELIVERIES_PER_SECOND)]


class EndpointIn(InputModel):
    url: WebhookUrl
    event_types: EventTypes | None = None
    description: Description = None
    ordering: Ordering = Ordering.NONE
    max_deliveries_per_second: DeliveriesPerSecond = None


def _not_nullable_in_schema(*names: str) -> Callable[[dict[str, Any]], None]:
    """Declare fields as their non-null type only: the validator refuses an explicit null, so
    the document must not offer it (the Python default None only means "absent")."""

    def edit(schema: dict[str, Any]) -> None:
        for name in names:
            field = schema["properties"][name]
            field.update(
                next(choice for choice in field.pop("anyOf") if choice != {"type": "null"})
            )
            field.pop("default", None)

    return edit


class EndpointPatchIn(InputModel):
    """Only the fields present change; `url`, `enabled` and `ordering` cannot be null."""

    model_config = ConfigDict(
        json_schema_extra=_not_nullable_in_schema("url", "enabled", "ordering")
    )

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: Description = None
    enabled: StrictBool | None = None
    ordering: Ordering | None = None
    max_deliveries_per_second: DeliveriesPerSecond = None

    @field_validator("url", "enabled", "ordering")
    @classmethod
    def _not_null(cls, value: str | bool | None) -> str | bool | None:
        # Defaults are not validated, so only an explicit null gets here.
        if value is None:
            raise ValueError("must not be null")
        return value


class NoInput(InputModel):
    """The body of a POST that takes no input: empty or `{}`."""


class EndpointOut(OutputModel):
    id: uuid.UUID
    url: str
    event_types: list[str] | None
    description: str | None
    enabled: bool
    disabled_at: UtcDateTime | None
    disabled_reason: DisabledReason | None
    ordering: Ordering
    max_deliveries_per_second: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class EndpointWithSecretOut(EndpointOut):
    secret: str


class EndpointEnvelope(OutputModel):
    data: EndpointOut


class EndpointCreatedEnvelope(OutputModel):
    data: EndpointWithSecretOut


class EndpointPageOut(PageOut):
    data: list[EndpointOut]
    next_cursor: str | None


class SecretRotationOut(OutputModel):
    secret: str
    previous_secret_expires_at: UtcDateTime


class SecretRotationEnvelope(OutputModel):
    data: SecretRotationOut


class DeliveryOut(OutputModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: UtcDateTime | None
    delivered_at: UtcDateTime | None
    resource_id: uuid.UUID | None
    request_id: str | None
    created_at: UtcDateTime


class DeliveryEnvelope(OutputModel):
    data: DeliveryOut


class DeliveryPageOut(PageOut):
    data: list[DeliveryOut]
    next_cursor: str | None
