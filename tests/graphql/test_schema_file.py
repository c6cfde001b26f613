"""The committed docs/schema.graphql is the code's schema (run `make schema` after changes)."""

from __future__ import annotations

from copy import copy
from typing import Any

from graphql import Visitor, parse, print_ast, visit

from schema.export import SCHEMA_FILE, schema_sdl


class _WithoutDescriptions(Visitor):
    def leave(self, node: Any, *_: Any) -> Any:
        if getattr(node, "description", None) is None:
            return None  # unchanged
        stripped = copy(node)
        object.__setattr__(stripped, "description", None)
        return stripped


def sdl_without_descriptions() -> str:
    """The SDL with no descriptions: each field's signature on one line, as the contract
    writes it."""
    return print_ast(visit(parse(schema_sdl()), _WithoutDescriptions()))


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(), "docs/schema.graphql is stale: make schema"


def test_contract_names_are_in_the_schema() -> None:
    sdl = sdl_without_descriptions()
    for name in (
        "type Report ",
        "type ReportConnection",
        "type ReportEdge",
        "type PageInfo",
        "type AutomationRun ",
        "type AutomationRunConnection",
        "type AutomationRunEdge",
        "type WebhookEndpoint",
        "enum ReportStatus",
        "enum AutomationRunStatus",
        "enum UpsertResult",
        "scalar JSON",
        "scalar DateTime",
        "upsertReports(input: [ReportInput!]!, idempotencyKey: String = null): "
        "UpsertReportsPayload!",
        "createAutomationRun(input: CreateAutomationRunInput!, idempotencyKey: String = null): "
        "AutomationRun!",
        "webhookEndpoints: [WebhookEndpoint!]!",
        "automationRunUpdated(id: ID!): AutomationRun!",
        # §15: Relay.
        "interface Node {\n  id: ID!\n}",
        "type Report implements Node",
        "type AutomationRun implements Node",
        "type WebhookEndpoint implements Node",
        "type WebhookDelivery implements Node",
        "node(id: ID!): Node\n",
        "nodes(ids: [ID!]!): [Node]!",
        "type PageInfo {\n  hasNextPage: Boolean!\n  hasPreviousPage: Boolean!\n"
        "  startCursor: String\n  endCursor: String\n}",
        "reports(first: Int = null, after: String = null, last: Int = null, "
        "before: String = null, status: ReportStatus! = PUBLISHED): ReportConnection!",
        "automationRuns(first: Int = null, after: String = null, last: Int = null, "
        "before: String = null, status: AutomationRunStatus = null): AutomationRunConnection!",
        "webhookDeliveries(first: Int = null, after: String = null, last: Int = null, "
        "before: String = null, filter: WebhookDeliveryFilter = null): "
        "WebhookDeliveryConnection!",
        "deliveries(first: Int = null, after: String = null, last: Int = null, "
        "before: String = null, filter: WebhookDeliveryFilter = null): "
        "WebhookDeliveryConnection!",
        "input WebhookDeliveryFilter {\n  endpointId: ID = null\n"
        "  status: WebhookDeliveryStatus = null\n  eventType: String = null\n"
        "  eventId: ID = null\n  requestId: String = null\n  resourceId: ID = null\n"
        "  since: DateTime = null\n  until: DateTime = null\n}",
    ):
        assert name in sdl, name
