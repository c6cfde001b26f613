"""The GraphQL enums: the domain's own enums (the same names and values), each described, and
each of its values. Strawberry takes a value's description only from a `strawberry.enum_value`
member, which a domain enum does not have; `described_enum` sets them on the enum's
definition instead, and refuses an enum whose values are not all described."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

from app.reports.schemas import ReportStatus as DomainReportStatus
from app.reports.schemas import UpsertResult
from db.models.automation_run import RunStatus
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_endpoint import DisabledReason, Ordering

DomainEnum = TypeVar("DomainEnum", bound=Enum)


def described_enum(
    enum: type[DomainEnum],
    description: str,
    values: Mapping[DomainEnum, str],
    *,
    name: str | None = None,
) -> type[DomainEnum]:
    """`enum` as the GraphQL enum `name` (its class name by default), with descriptions."""
    if set(values) != set(enum):
        raise ValueError(f"describe every value of {enum.__name__}, and only those")
    strawberry.enum(enum, name=name, description=description)
    for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[enum[value.name]]
    return enum


described_enum(
    DomainReportStatus,
    "Which reports a list shows, and in which order.",
    {
        DomainReportStatus.PUBLISHED: "Published reports, newest publishedAt first.",
        DomainReportStatus.DRAFT: "Drafts (never published), newest updatedAt first.",
        DomainReportStatus.ALL: "Every report, newest updatedAt first.",
    },
)
ReportStatus = DomainReportStatus
described_enum(
    UpsertResult,
    "What an upsert did to one report.",
    {
        UpsertResult.CREATED: "The report was new: it was created.",
        UpsertResult.UPDATED: "The report existed and differed: it was replaced.",
        UpsertResult.UNCHANGED: "The report existed and was equal: nothing was written.",
    },
)
described_enum(
    RunStatus,
    "Where an automation run stands.",
    {
        RunStatus.QUEUED: "Created; not yet started by its provider.",
        RunStatus.RUNNING: "Started by its provider.",
        RunStatus.SUCCEEDED: "Ended well; `output` holds what the flow returned (terminal).",
        RunStatus.FAILED: "Ended badly, or could not be dispatched; see `error` (terminal).",
        RunStatus.TIMED_OUT: "Ran longer than allowed (terminal).",
    },
    name="AutomationRunStatus",
)
AutomationRunStatus = RunStatus
described_enum(
    DeliveryStatus,
    "Where a webhook delivery stands.",
    {
        DeliveryStatus.PENDING: "Waiting for its next attempt (or being sent).",
        DeliveryStatus.DELIVERED: "An attempt succeeded (a 2xx answer).",
        DeliveryStatus.DEAD: "Out of attempts, or refused for good; it can be retried.",
        DeliveryStatus.SKIPPED: "Its event matched the endpoint while the endpoint was "
        "disabled: never sent, unless recovered.",
    },
    name="WebhookDeliveryStatus",
)
WebhookDeliveryStatus = DeliveryStatus
described_enum(
    DisabledReason,
    "Why a webhook endpoint was disabled.",
    {
        DisabledReason.FAILING: "Every attempt failed for too long: disabled automatically.",
        DisabledReason.MANUAL: "Disabled by the tenant (`enabled: false`).",
    },
)
described_enum(
    Ordering,
    "Whether a webhook endpoint's deliveries keep the order of their events.",
    {
        Ordering.NONE: "No order is kept: deliveries are sent as they are due.",
        Ordering.PER_RESOURCE: "Deliveries about one resource are sent in the order their "
        "events were committed; other resources are not held.",
    },
)
