"""A claimed delivery and the outcome of its attempt, as the delivery SQL reads and writes them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from db.models.webhook_delivery import DeliveryStatus


@dataclass(frozen=True)
class ClaimedDelivery:
    """A claimed delivery, with what its attempt needs from its endpoint and its event."""

    id: uuid.UUID
    attempts: int
    schedule_step: int
    # False: the endpoint was disabled; the claim made the delivery `skipped` instead.
    endpoint_enabled: bool
    url: str
    secret_encrypted: str
    previous_secret_encrypted: str | None
    previous_secret_expires_at: datetime | None
    event_id: uuid.UUID
    tenant_id: uuid.UUID
    event_type: str
    # The event's data as PostgreSQL prints it: JSON, numbers exactly as stored.
    payload_json: str
    occurred_at: datetime
    correlation_id: str | None
    # The X-Request-Id of the API request that caused the event (None: a job did).
    request_id: str | None
    # For pacing (app/webhooks/pacer.py).
    endpoint_id: uuid.UUID
    max_deliveries_per_second: int | None
    # Held while an earlier delivery of its endpoint and resource is pending: when it ends, the
    # next one of its resource may be claimed at once.
    ordered: bool
    # The rest of what a live update of the delivery shows (app/webhooks/live.py).
    resource_id: uuid.UUID | None
    created_at: datetime
    # Of the attempt before this one (None before the first).
    last_status_code: int | None


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to, to be written to its row."""

    delivery_id: uuid.UUID
    attempt: int
    status: DeliveryStatus
    status_code: int | None
    error: str | None
    response_excerpt: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
