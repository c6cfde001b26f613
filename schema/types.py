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
from app.reports.schemas import UpsertSummary as UpsertSummaryOut
from app.webhooks import service as webhooks
from app.webhooks.schemas import DeliveryFiltersIn, DeliveryOut, EndpointOut
from schema import described, enums
from schema.context import Context
from schema.inputs import camel_dict, validated
from schema.pagination import After, Before, First, Last, PageInfo, connection, page_request
from schema.webhook_stats import StatsWindow, WebhookEndpointStats, endpoint_stats

# The GraphQL enums are the domain's: the same names and values, described in schema/enums.py.
ReportStatus = enums.ReportStatus
AutomationRunStatus = enums.AutomationRunStatus
WebhookDeliveryStatus = enums.WebhookDeliveryStatus


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


@strawberry.interface(
    description="An object with a global id: `node(id:)` and `nodes(ids:)` fetch it by that "
    "id alone (docs/GRAPHQL-RELAY.md)."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="The object's UUID, unique across every type of node."
    )


@from_model(model=ReportOut, all_fields=True, description="A report, as REST shows it.")
class Report(_FromRow, Node):
    id: strawberry.ID
    content: JSON


@from_model(
    model=ReportUpsertOut,
    all_fields=True,
    description="What an upsert did to one report, and the report as it stands.",
)
class ReportUpsertResult:
    result: UpsertResult


@from_model(
    model=UpsertSummaryOut, all_fields=True, description="How many reports each outcome had."
)
class UpsertSummary:
    pass


@from_model(
    model=ReportBatchOut, description="The outcome of `upsertReports`: per report, and counted."
)
class UpsertReportsPayload(_FromOutputModel):
    data: strawberry.auto = strawberry.field(
        name="results", description="One result per input report, in the input's order."
    )
    summary: strawberry.auto


@from_model(model=RunOut, all_fields=True, description="An automation run, as REST shows it.")
class AutomationRun(_FromOutputModel, Node):
    id: strawberry.ID
    # A String in the published SDL, not an enum.
    provider: str
    status: AutomationRunStatus
    input: JSON
    output: JSON | None
    error: JSON | None


@strawberry.input(
    description="Filters of a delivery list, as the REST list "
    "`GET /v1/tenants/{t}/webhook-deliveries` takes them; every one given must hold."
)
class WebhookDeliveryFilter:
    endpoint_id: strawberry.ID | None = strawberry.field(
        default=None, description="Deliveries to this endpoint."
    )
    status: WebhookDeliveryStatus | None = strawberry.field(
        default=None, description="Deliveries in this status."
    )
    event_type: str | None = strawberry.field(
        default=None, description="Deliveries of events of this type (e.g. `report.created`)."
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=None, description="Deliveries of this event."
    )
    request_id: str | None = strawberry.field(
        default=None,
        description="Deliveries of events caused by the API request with this X-Request-Id.",
    )
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="Deliveries of events about this report or run."
    )
    since: datetime | None = strawberry.field(
        default=None, description="Deliveries created at or after this moment."
    )
    until: datetime | None = strawberry.field(
        default=None, description="Deliveries created before this moment."
    )


@strawberry.type(description="A delivery in a list, with its cursor.")
class WebhookDeliveryEdge:
    node: WebhookDelivery = strawberry.field(description="The delivery.")
    row: strawberry.Private[Any]
    page: strawberry.Private[Page[Any]]

    @described.field("Where the list resumes after (or before) this delivery.")
    def cursor(self) -> str:
        return self.page.cursor_of(self.row)


@strawberry.type(description="A page of deliveries, newest first (by createdAt, then id).")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge] = strawberry.field(description="The page's deliveries.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the list.")


async def delivery_connection(
    context: Context,
    filter: WebhookDeliveryFilter | None,
    paging: tuple[int | None, str | None, int | None, str | None],
    *,
    endpoint_id: uuid.UUID | None = None,
) -> WebhookDeliveryConnection:
    """A page of the tenant's deliveries that pass `filter` (within one endpoint's, given one),
    through the REST list's service and rules."""
    who = context.require("webhooks:read")
    request = page_request(context.runtime, *paging)
    document = camel_dict(filter) if filter is not None else {}
    filters = validated(
        DeliveryFiltersIn, document, rename={name: f"filter.{name}" for name in document}
    ).filters()
    async with context.runtime.db.unit_of_work() as session:
        if endpoint_id is None:
            page = await webhooks.list_tenant_deliveries(
                session, tenant_id=who.tenant_id, filters=filters, page=request
            )
        else:
            page = await webhooks.list_endpoint_filtered_deliveries(
                session,
                tenant_id=who.tenant_id,
                endpoint_id=endpoint_id,
                filters=filters,
                page=request,
            )
    return connection(page, WebhookDelivery.of, WebhookDeliveryEdge, WebhookDeliveryConnection)


@from_model(
    model=DeliveryOut,
    all_fields=True,
    description="One event's delivery to one endpoint, and how its attempts went.",
)
class WebhookDelivery(_FromOutputModel, Node):
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: strawberry.ID
    resource_id: strawberry.ID | None
    status: WebhookDeliveryStatus

    @described.field(
        "The start of the body the endpoint answered the last attempt with (as stored, "
        "cut short); null before any answer. Read on its own: ask for it on one delivery."
    )
    async def last_response_excerpt(self, info: Info[Context, None]) -> str | None:
        who = info.context.require("webhooks:read")
        async with info.context.runtime.db.unit_of_work() as session:
            return await webhooks.last_response_excerpt(
                session, tenant_id=who.tenant_id, delivery_id=uuid.UUID(str(self.id))
            )


@from_model(
    model=EndpointOut,
    all_fields=True,
    description="A URL the tenant's events are delivered to, signed (Standard Webhooks).",
)
class WebhookEndpoint(_FromOutputModel, Node):
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

    @described.field(
        "The endpoint's deliveries, newest first, as `webhookDeliveries` lists "
        "them with `endpointId` fixed to this endpoint (a filter naming another endpoint "
        "matches none). Needs webhooks:read."
    )
    async def deliveries(
        self,
        info: Info[Context, None],
        *,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            WebhookDeliveryFilter | None,
            strawberry.argument(description="Filters; every one given must hold."),
        ] = None,
    ) -> WebhookDeliveryConnection:
        return await delivery_connection(
            info.context, filter, (first, after, last, before), endpoint_id=uuid.UUID(str(self.id))
        )


@strawberry.type(description="A report in a list, with its cursor.")
class ReportEdge:
    node: Report = strawberry.field(description="The report.")
    row: strawberry.Private[Any]
    page: strawberry.Private[Page[Any]]

    @described.field("Where the list resumes after (or before) this report.")
    def cursor(self) -> str:
        return self.page.cursor_of(self.row)


@strawberry.type(description="A page of reports, in the order of the list's status.")
class ReportConnection:
    edges: list[ReportEdge] = strawberry.field(description="The page's reports.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the list.")


@strawberry.type(description="An automation run in a list, with its cursor.")
class AutomationRunEdge:
    node: AutomationRun = strawberry.field(description="The run.")
    row: strawberry.Private[Any]
    page: strawberry.Private[Page[Any]]

    @described.field("Where the list resumes after (or before) this run.")
    def cursor(self) -> str:
        return self.page.cursor_of(self.row)


@strawberry.type(description="A page of automation runs, newest first (by createdAt, then id).")
class AutomationRunConnection:
    edges: list[AutomationRunEdge] = strawberry.field(description="The page's runs.")
    page_info: PageInfo = strawberry.field(description="Where the page stands in the list.")


@strawberry.input(
    description="One report of an upsert, as in the REST batch `POST .../reports`; validated "
    "by the same rules."
)
class ReportInput:
    slug: str = strawberry.field(
        description="The report's name within the tenant (lowercase letters, digits and "
        "hyphens): an existing report with this slug is replaced."
    )
    title: str = strawberry.field(description="The title, 1 to 300 characters.")
    summary: str | None = strawberry.field(
        default=None, description="A summary of up to 2000 characters."
    )
    content: JSON | None = strawberry.field(
        default=None, description="The content: a JSON object (`{}` when null)."
    )
    published_at: datetime | None = strawberry.field(
        default=None, description="When it was published; null for a draft."
    )


@strawberry.input(
    description="A new automation run, as in the REST `POST .../automation-runs`; validated by "
    "the same rules."
)
class CreateAutomationRunInput:
    flow_id: str = strawberry.field(
        description="The flow to start: 1 to 100 letters, digits, `_` or `-`."
    )
    input: JSON | None = strawberry.field(
        default=None, description="The flow's input: a JSON object (`{}` when null)."
    )
    correlation_id: str | None = strawberry.field(
        default=None,
        description="The client's id of the run, unique in the tenant (one is generated "
        "when null); a repeat is a `conflict`.",
    )
    provider: str | None = strawberry.field(
        default=None,
        description="`activepieces` (the default when null) or `sandbox`.",
    )
