"""The events AetherFlow POSTs to webhook endpoints (CONTRACT.md §8), as OpenAPI `webhooks`.

Each function declares one event: its body and the Standard Webhooks headers it is signed with.
They document what app/webhooks/delivery.py sends; nothing calls them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Body, Header
from pydantic import BaseModel, Field

from app.api.openapi_examples import ENDPOINT, REPORT, RUN
from app.automation_runs.schemas import RunOut
from app.core.schemas import OutputModel
from app.core.time import UtcDateTime
from app.outbox.events import (
    ENDPOINT_DISABLED,
    ENDPOINT_FAILING,
    REPORT_CREATED,
    REPORT_PUBLISHED,
    REPORT_UPDATED,
    RUN_FAILED,
    RUN_SUCCEEDED,
    RUN_TIMED_OUT,
    WEBHOOK_TEST,
)
from app.reports.schemas import ReportOut
from app.webhooks.schemas import EndpointOut, TestEventData

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


class _ReportEvent(_Event):
    data: ReportOut


class _RunEvent(_Event):
    data: RunOut


class _EndpointEvent(_Event):
    data: EndpointOut


class ReportCreated(_ReportEvent):
    type: Literal["report.created"]


class ReportUpdated(_ReportEvent):
    type: Literal["report.updated"]


class ReportPublished(_ReportEvent):
    type: Literal["report.published"]


class RunSucceeded(_RunEvent):
    type: Literal["automation_run.succeeded"]


class RunFailed(_RunEvent):
    type: Literal["automation_run.failed"]


class RunTimedOut(_RunEvent):
    type: Literal["automation_run.timed_out"]


class EndpointFailing(_EndpointEvent):
    type: Literal["webhook.endpoint.failing"]


class EndpointDisabled(_EndpointEvent):
    type: Literal["webhook.endpoint.disabled"]


class WebhookTest(_Event):
    type: Literal["webhook.test"]
    data: TestEventData


def _example(event: type[_Event], data: BaseModel) -> dict[str, Any]:
    """`openapi_examples` with one `event` about `data`."""
    [event_type] = get_args(event.model_fields["type"].annotation)
    value = event(type=event_type, timestamp=datetime(2026, 11, 24, 10, tzinfo=UTC), data=data)
    return {event_type: {"value": value.model_dump(mode="json")}}


ReportCreatedBody = Annotated[ReportCreated, Body(openapi_examples=_example(ReportCreated, REPORT))]
ReportUpdatedBody = Annotated[ReportUpdated, Body(openapi_examples=_example(ReportUpdated, REPORT))]
ReportPublishedBody = Annotated[
    ReportPublished, Body(openapi_examples=_example(ReportPublished, REPORT))
]
RunSucceededBody = Annotated[RunSucceeded, Body(openapi_examples=_example(RunSucceeded, RUN))]
RunFailedBody = Annotated[RunFailed, Body(openapi_examples=_example(RunFailed, RUN))]
RunTimedOutBody = Annotated[RunTimedOut, Body(openapi_examples=_example(RunTimedOut, RUN))]
EndpointFailingBody = Annotated[
    EndpointFailing, Body(openapi_examples=_example(EndpointFailing, ENDPOINT))
]
EndpointDisabledBody = Annotated[
    EndpointDisabled, Body(openapi_examples=_example(EndpointDisabled, ENDPOINT))
]
WebhookTestBody = Annotated[
    WebhookTest,
    Body(openapi_examples=_example(WebhookTest, TestEventData(endpoint_id=ENDPOINT.id))),
]


@router.post(REPORT_CREATED)
def report_created(event: ReportCreatedBody, headers: Signed) -> None:
    """A report was created (a batch upsert, over REST or GraphQL)."""


@router.post(REPORT_UPDATED)
def report_updated(event: ReportUpdatedBody, headers: Signed) -> None:
    """A batch upsert changed a report; one it leaves unchanged sends nothing."""


@router.post(REPORT_PUBLISHED)
def report_published(event: ReportPublishedBody, headers: Signed) -> None:
    """A report became published: it has a publishedAt and had none (sent after the created or
    updated event)."""


@router.post(RUN_SUCCEEDED)
def automation_run_succeeded(event: RunSucceededBody, headers: Signed) -> None:
    """An automation run succeeded (its provider's callback)."""


@router.post(RUN_FAILED)
def automation_run_failed(event: RunFailedBody, headers: Signed) -> None:
    """An automation run failed: its provider said so, or dispatching it failed."""


@router.post(RUN_TIMED_OUT)
def automation_run_timed_out(event: RunTimedOutBody, headers: Signed) -> None:
    """An automation run was still running AUTOMATION_RUN_TIMEOUT_SECONDS after it started."""


@router.post(ENDPOINT_FAILING)
def webhook_endpoint_failing(event: EndpointFailingBody, headers: Signed) -> None:
    """Every attempt to another endpoint of the tenant has failed for half of
    WEBHOOK_DISABLE_AFTER_SECONDS: it will be disabled if this goes on (sent once per run of
    failures, to the tenant's other enabled endpoints that subscribe to it)."""


@router.post(ENDPOINT_DISABLED)
def webhook_endpoint_disabled(event: EndpointDisabledBody, headers: Signed) -> None:
    """Another endpoint of the tenant was disabled for failing (to the tenant's other enabled
    endpoints that subscribe to it)."""


@router.post(WEBHOOK_TEST)
def webhook_test(event: WebhookTestBody, headers: Signed) -> None:
    """A test event, asked for with POST .../webhook-endpoints/{id}/test: sent to that endpoint
    only, whatever its eventTypes."""
