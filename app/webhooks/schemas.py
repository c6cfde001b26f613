"""Webhook endpoint and delivery input and output (CONTRACT.md §8)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from app.core.request_context import ID_PATTERN
from app.core.schemas import InputModel, OutputModel, PageOut
from app.core.time import UtcDateTime
from app.outbox.events import EVENT_TYPES
from app.webhooks.delivery_filters import DeliveryFilters
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


# RFC 3339 with its offset (Z or ±hh:mm), as the API writes timestamps: a date alone, a time
# without an offset or a number of seconds is refused.
_RFC3339 = re.compile(
    r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)", re.ASCII
)


# A `+hh:mm` offset sent unencoded in a query string arrives as a space.
_UNENCODED_PLUS = re.compile(r"(?<=\d) (?=\d\d:\d\d$)", re.ASCII)


def _rfc3339(value: object) -> object:
    if isinstance(value, str):
        value = _UNENCODED_PLUS.sub("+", value)
    if isinstance(value, str) and not _RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 timestamp with an offset, e.g. 2026-11-24T10:00:00Z")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must fall between the years 1 and 9999 in UTC") from None


Rfc3339 = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(_in_utc)]
# An X-Request-Id as the API accepts and answers them (CONTRACT.md §1).
RequestId = Annotated[str, Field(pattern=ID_PATTERN.pattern)]


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
    id: uuid.UUID = Field(description="The endpoint's id.")
    url: str = Field(description="Where deliveries are POSTed.")
    event_types: list[str] | None = Field(
        description="The event types sent to it; null for every type."
    )
    description: str | None = Field(description="What the endpoint is for.")
    enabled: bool = Field(description="Whether events are sent to it (false: disabled).")
    disabled_at: UtcDateTime | None = Field(description="When it was disabled; null while enabled.")
    disabled_reason: DisabledReason | None = Field(
        description="Why it was disabled: `failing` (automatically) or `manual`; null while "
        "enabled."
    )
    ordering: Ordering = Field(
        description="`per-resource`: deliveries about one resource are sent in event order; "
        "`none`: no order is kept."
    )
    max_deliveries_per_second: int | None = Field(
        description="Its cap on the delivery rate; null for none."
    )
    created_at: UtcDateTime = Field(description="When it was registered.")
    updated_at: UtcDateTime = Field(description="When it last changed.")


class TestEventData(OutputModel):
    """The `data` of a `webhook.test` event."""

    endpoint_id: uuid.UUID


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
    secret: str = Field(
        description="The new signing secret (`whsec_...`); shown in this answer only."
    )
    previous_secret_expires_at: UtcDateTime = Field(
        description="Until then the previous secret keeps signing beside the new one."
    )


class SecretRotationEnvelope(OutputModel):
    data: SecretRotationOut


class DeliveryOut(OutputModel):
    id: uuid.UUID = Field(description="The delivery's id.")
    endpoint_id: uuid.UUID = Field(description="The endpoint it goes to.")
    event_id: uuid.UUID = Field(description="Its event (the `webhook-id` header it is sent with).")
    event_type: str = Field(description="Its event's type.")
    status: DeliveryStatus = Field(
        description="`pending` (to be sent), `delivered`, `dead` (a final refusal, or its "
        "retries ran out) or `skipped` (its endpoint was disabled; never sent)."
    )
    attempts: int = Field(description="Attempts made so far.")
    last_status_code: int | None = Field(
        description="The HTTP status of the last attempt; null without an answer."
    )
    last_error: str | None = Field(description="Why the last attempt failed; null if it did not.")
    next_attempt_at: UtcDateTime | None = Field(
        description="When a pending delivery is next tried; null while it waits for its "
        "turn behind an earlier one of its resource, and once it is finished."
    )
    delivered_at: UtcDateTime | None = Field(
        description="When the endpoint accepted it; null until then."
    )
    resource_id: uuid.UUID | None = Field(description="The report or run its event is about.")
    request_id: str | None = Field(
        description="The X-Request-Id of the API request that caused its event; null when a "
        "job caused it."
    )
    created_at: UtcDateTime = Field(description="When it was created.")


class DeliveryFiltersIn(InputModel):
    """The tenant delivery list's filters as GraphQL's `WebhookDeliveryFilter` sends them,
    under the rules of the REST query parameters (`GET .../webhook-deliveries`)."""

    endpoint_id: uuid.UUID | None = None
    status: DeliveryStatus | None = None
    event_type: EventType | None = None
    event_id: uuid.UUID | None = None
    request_id: RequestId | None = None
    resource_id: uuid.UUID | None = None
    since: Rfc3339 | None = None
    until: Rfc3339 | None = None

    def filters(self) -> DeliveryFilters:
        return DeliveryFilters(**dict(self))


class DeliveryEnvelope(OutputModel):
    data: DeliveryOut


class DeliveryPageOut(PageOut):
    data: list[DeliveryOut]
    next_cursor: str | None


class DeliveryStatsOut(OutputModel):
    window: str = Field(
        description="The window (`1h` or `24h`): the minutes that started within it."
    )
    attempts: int = Field(description="Delivery attempts that finished within the window.")
    delivered: int = Field(description="Attempts that succeeded.")
    failed: int = Field(description="Attempts that did not (retried later, or dead).")
    success_rate: float | None = Field(
        description="delivered / attempts, in 0..1; null with no attempts."
    )
    latency_p50_ms: int | None = Field(
        description="Median time from a delivery's creation to its success (interpolated "
        "within fixed buckets); null with no success in the window."
    )
    latency_p95_ms: int | None = Field(
        description="95th percentile of the same latency; null with no success in the window."
    )
    pending: int = Field(description="Deliveries pending now (the backlog).")
    oldest_pending_age_seconds: int | None = Field(
        description="Age of the oldest pending delivery; null with none pending."
    )
    last_success_at: UtcDateTime | None = Field(
        description="When the endpoint last answered an attempt with success (at any time)."
    )
    last_failure_at: UtcDateTime | None = Field(
        description="When an attempt to the endpoint last failed (at any time)."
    )


class DeliveryStatsEnvelope(OutputModel):
    data: DeliveryStatsOut
