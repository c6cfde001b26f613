"""Event types (CONTRACT.md §8) and the shape of a new outbox event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.core import request_context

REPORT_CREATED = "report.created"
REPORT_UPDATED = "report.updated"
REPORT_PUBLISHED = "report.published"
RUN_SUCCEEDED = "automation_run.succeeded"
RUN_FAILED = "automation_run.failed"
RUN_TIMED_OUT = "automation_run.timed_out"
# About the webhooks themselves (CONTRACT.md §14): an endpoint failing, then disabled for it,
# told to the tenant's other endpoints; a test event, sent to one endpoint whatever its types.
ENDPOINT_FAILING = "webhook.endpoint.failing"
ENDPOINT_DISABLED = "webhook.endpoint.disabled"
WEBHOOK_TEST = "webhook.test"

EVENT_TYPES = (
    REPORT_CREATED,
    REPORT_UPDATED,
    REPORT_PUBLISHED,
    RUN_SUCCEEDED,
    RUN_FAILED,
    RUN_TIMED_OUT,
    ENDPOINT_FAILING,
    ENDPOINT_DISABLED,
    WEBHOOK_TEST,
)


@dataclass(frozen=True)
class NewEvent:
    tenant_id: uuid.UUID
    event_type: str
    payload: dict[str, Any]
    correlation_id: str | None
    # The report or run the event is about.
    resource_id: uuid.UUID | None = None
    # The X-Request-Id and Idempotency-Key of the API request that caused it (None: a job).
    request_id: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class EventOrigin:
    """What caused the events a service records: the ids carried into them and their
    deliveries. An API request gives its X-Request-Id and Idempotency-Key; a job only its
    correlation id."""

    correlation_id: str | None
    request_id: str | None = None
    idempotency_key: str | None = None

    @classmethod
    def of_request(cls, idempotency_key: str | None = None) -> EventOrigin:
        """The API request being served (its ids as answered), with its idempotency key."""
        return cls(
            request_context.current_correlation_id(),
            request_context.current_request_id(),
            idempotency_key,
        )

    def event(
        self,
        tenant_id: uuid.UUID,
        event_type: str,
        payload: dict[str, Any],
        *,
        resource_id: uuid.UUID | None,
    ) -> NewEvent:
        """An event of this origin about `resource_id`."""
        return NewEvent(
            tenant_id,
            event_type,
            payload,
            self.correlation_id,
            resource_id=resource_id,
            request_id=self.request_id,
            idempotency_key=self.idempotency_key,
        )
