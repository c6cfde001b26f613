"""The committed docs/schema.graphql is the code's schema (run `make schema` after changes)."""

from __future__ import annotations

from schema.export import SCHEMA_FILE, schema_sdl


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(), "docs/schema.graphql is stale: make schema"


def test_contract_names_are_in_the_schema() -> None:
    sdl = schema_sdl()
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
    ):
        assert name in sdl, name
