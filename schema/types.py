"""GraphQL types mirroring the REST representations (CONTRACT.md §10)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from db.models.automation_run import AutomationRun as RunRow
from db.models.report import Report as ReportRow
from db.models.webhook_endpoint import WebhookEndpoint as EndpointRow


@strawberry.enum
class ReportStatus(Enum):
    PUBLISHED = "published"
    DRAFT = "draft"
    ALL = "all"


@strawberry.enum
class AutomationRunStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


@strawberry.enum
class UpsertResult(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Report:
    id: strawberry.ID
    slug: str
    title: str
    summary: str | None
    content: JSON
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: ReportRow) -> Report:
        return cls(
            id=strawberry.ID(str(row.id)),
            slug=row.slug,
            title=row.title,
            summary=row.summary,
            content=JSON(row.content),
            published_at=row.published_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @classmethod
    def from_representation(cls, data: dict[str, Any]) -> Report:
        """From the REST representation (as stored for idempotent replays)."""
        return cls(
            id=strawberry.ID(data["id"]),
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            content=data["content"],
            published_at=_moment(data["publishedAt"]),
            created_at=datetime.fromisoformat(data["createdAt"]),
            updated_at=datetime.fromisoformat(data["updatedAt"]),
        )


@strawberry.type
class ReportEdge:
    node: Report
    cursor: str


@strawberry.type
class ReportConnection:
    edges: list[ReportEdge]
    page_info: PageInfo


@strawberry.type
class ReportUpsertResult:
    result: UpsertResult
    report: Report


@strawberry.type
class UpsertSummary:
    created: int
    updated: int
    unchanged: int


@strawberry.type
class UpsertReportsPayload:
    results: list[ReportUpsertResult]
    summary: UpsertSummary

    @classmethod
    def from_representation(cls, data: dict[str, Any]) -> UpsertReportsPayload:
        return cls(
            results=[
                ReportUpsertResult(
                    result=UpsertResult(item["result"]),
                    report=Report.from_representation(item["report"]),
                )
                for item in data["data"]
            ],
            summary=UpsertSummary(**data["summary"]),
        )


@strawberry.type
class AutomationRun:
    id: strawberry.ID
    flow_id: str
    provider: str
    status: AutomationRunStatus
    correlation_id: str
    input: JSON
    output: JSON | None
    error: JSON | None
    provider_run_id: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, row: RunRow) -> AutomationRun:
        return cls(
            id=strawberry.ID(str(row.id)),
            flow_id=row.flow_id,
            provider=row.provider,
            status=AutomationRunStatus(row.status),
            correlation_id=row.correlation_id,
            input=JSON(row.input),
            output=JSON(row.output),
            error=JSON(row.error),
            provider_run_id=row.provider_run_id,
            attempts=row.attempts,
            created_at=row.created_at,
            updated_at=row.updated_at,
            started_at=row.started_at,
            completed_at=row.completed_at,
        )

    @classmethod
    def from_representation(cls, data: dict[str, Any]) -> AutomationRun:
        """From the REST representation (stored replays, live updates)."""
        return cls(
            id=strawberry.ID(data["id"]),
            flow_id=data["flowId"],
            provider=data["provider"],
            status=AutomationRunStatus(data["status"]),
            correlation_id=data["correlationId"],
            input=data["input"],
            output=data["output"],
            error=data["error"],
            provider_run_id=data["providerRunId"],
            attempts=data["attempts"],
            created_at=datetime.fromisoformat(data["createdAt"]),
            updated_at=datetime.fromisoformat(data["updatedAt"]),
            started_at=_moment(data["startedAt"]),
            completed_at=_moment(data["completedAt"]),
        )


@strawberry.type
class AutomationRunEdge:
    node: AutomationRun
    cursor: str


@strawberry.type
class AutomationRunConnection:
    edges: list[AutomationRunEdge]
    page_info: PageInfo


@strawberry.type
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    event_types: list[str] | None
    description: str | None
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: EndpointRow) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(row.id)),
            url=row.url,
            event_types=row.event_types,
            description=row.description,
            enabled=row.enabled,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.input
class ReportInput:
    slug: str
    title: str
    summary: str | None = None
    content: JSON | None = None
    published_at: datetime | None = None


@strawberry.input
class CreateAutomationRunInput:
    flow_id: str
    input: JSON | None = None
    correlation_id: str | None = None
    provider: str | None = None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
