"""GraphQL types mirroring the REST representations (CONTRACT.md §10).

Object types are derived from the REST output models (Strawberry's Pydantic integration), so
each field is declared once. A field is written out here only where the GraphQL type differs:
`ID` for uuid ids, `JSON` for objects, the run status enum, and a `String` for the provider
(an enum in REST). Inputs stay
written out: where the REST input models have defaults (`{}`, a provider), the GraphQL inputs
default to null, so that validation through the REST models (schema/inputs.py) applies them.
Connections have no REST twin; cursors are signed only when the document asks for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import strawberry
from strawberry.experimental.pydantic import type as from_model
from strawberry.scalars import JSON
from strawberry.types import Info

from app.automation_runs.schemas import RunOut
from app.core.pagination import Page
from app.core.schemas import OutputModel
from app.reports.schemas import ReportBatchOut, ReportOut, ReportUpsertOut, UpsertResult
from app.reports.schemas import ReportStatus as DomainReportStatus
from app.reports.schemas import UpsertSummary as UpsertSummaryOut
from app.webhooks.schemas import DeliveryOut, EndpointOut
from db.models.automation_run import RunStatus
from db.models.webhook_delivery import DeliveryStatus
from schema import described
from schema.context import Context
from schema.webhook_stats import StatsWindow, WebhookEndpointStats, endpoint_stats

# The GraphQL enums are the domain's: the same names and values.
ReportStatus = DomainReportStatus
AutomationRunStatus = Annotated[RunStatus, strawberry.enum(name="AutomationRunStatus")]
WebhookDeliveryStatus = Annotated[DeliveryStatus, strawberry.enum(name="WebhookDeliveryStatus")]


class _FromOutputModel:
    """Built through the type's output model, from a database row or from the REST
    representation (stored for idempotent replays, published for live updates). Values keep
    the model's Python types: the `ID` and enum scalars serialise uuids and strings."""

    if TYPE_CHECKING:
        _pydantic_type: ClassVar[type[OutputModel]]

        @staticmethod
        def from_pydantic(instance: Any, extra: dict[str, Any] | None = None) -> Any: ...

    @classmethod
    def of(cls, source: object) -> Self:
        built: Self = cls.from_pydantic(cls._pydantic_type.model_validate(source))
        return built


class _FromRow:
    """Built from a row read back (or anything with the output model's attribute names),
    attribute by attribute: what the database returned needs no validation, and the output
    model would only copy it."""

    if TYPE_CHECKING:
        _pydantic_type: ClassVar[type[OutputModel]]

    @classmethod
    def of(cls, row: object) -> Self:
        names, read = _attributes(cls._pydantic_type)
        return cls(**dict(zip(names, read(row), strict=True)))


@cache
def _attributes(model: type[OutputModel]) -> tuple[tuple[str, ...], Callable[[object], Any]]:
    """The output model's field names, and a getter of those attributes as a tuple."""
    names = tuple(model.model_fields)
    read = attrgetter(*names)
    return names, read if len(names) > 1 else lambda row: (read(row),)


@from_model(model=ReportOut, all_fields=True)
class Report(_FromRow):
    id: strawberry.ID
    content: JSON


@from_model(model=ReportUpsertOut, all_fields=True)
class ReportUpsertResult:
    result: UpsertResult


@from_model(model=UpsertSummaryOut, all_fields=True)
class UpsertSummary:
    pass


@from_model(model=ReportBatchOut)
class UpsertReportsPayload(_FromOutputModel):
    data: strawberry.auto = strawberry.field(name="results")
    summary: strawberry.auto


@from_model(model=RunOut, all_fields=True)
class AutomationRun(_FromOutputModel):
    id: strawberry.ID
    # A String in the published SDL, not an enum.
    provider: str
    status: AutomationRunStatus
    input: JSON
    output: JSON | None
    error: JSON | None


@from_model(
    model=EndpointOut,
    all_fields=True,
    description="A URL the tenant's events are delivered to, signed (Standard Webhooks).",
)
class WebhookEndpoint(_FromOutputModel):
    id: strawberry.ID

    @described.field(description="The endpoint's delivery statistics over a window.")
    async def stats(
        self,
        info: Info[Context, None],
        window: Annotated[
            StatsWindow, strawberry.argument(description="The window, ending now.")
        ] = StatsWindow.ONE_HOUR,
    ) -> WebhookEndpointStats | None:
        return await endpoint_stats(info.context, uuid.UUID(str(self.id)), window)


@from_model(
    model=DeliveryOut,
    all_fields=True,
    description="One event's delivery to one endpoint, and how its attempts went.",
)
class WebhookDelivery(_FromOutputModel):
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: strawberry.ID
    resource_id: strawberry.ID | None
    status: WebhookDeliveryStatus


@strawberry.type
class PageInfo:
    page: strawberry.Private[Page[Any]]

    @strawberry.field
    def has_next_page(self) -> bool:
        return self.page.has_next

    @strawberry.field
    def end_cursor(self) -> str | None:
        return self.page.end_cursor


@strawberry.type
class ReportEdge:
    node: Report
    row: strawberry.Private[Any]
    page: strawberry.Private[Page[Any]]

    @strawberry.field
    def cursor(self) -> str:
        return self.page.cursor_after(self.row)


@strawberry.type
class ReportConnection:
    edges: list[ReportEdge]
    page_info: PageInfo


@strawberry.type
class AutomationRunEdge:
    node: AutomationRun
    row: strawberry.Private[Any]
    page: strawberry.Private[Page[Any]]

    @strawberry.field
    def cursor(self) -> str:
        return self.page.cursor_after(self.row)


@strawberry.type
class AutomationRunConnection:
    edges: list[AutomationRunEdge]
    page_info: PageInfo


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
