"""The event-type catalog (CONTRACT.md §14): every event type AetherFlow sends, what it means and
the model of its `data`.

`GET /v1/event-types` and the OpenAPI `webhooks` section (app/api/outbound_webhooks.py) are both
built from this one list, so the descriptions and schemas they show cannot drift apart; the
payloads themselves are these same representations (app/outbox/events.py names the types).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from app.automation_runs.schemas import RunOut
from app.outbox.events import (
    ENDPOINT_DISABLED,
    ENDPOINT_FAILING,
    EVENT_TYPES,
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

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class CatalogEntry:
    event_type: str
    description: str
    data_model: type[BaseModel]

    @property
    def function_name(self) -> str:
        """`report.created` → `report_created`: the OpenAPI webhook's operation."""
        return self.event_type.replace(".", "_")

    @property
    def event_model_name(self) -> str:
        """`automation_run.timed_out` → `AutomationRunTimedOut`: the webhook body's schema."""
        return "".join(word.capitalize() for word in self.function_name.split("_"))

    def data_schema(self) -> dict[str, Any]:
        """The JSON Schema (2020-12) of the event's `data`, self-contained (`$defs`)."""
        schema = self.data_model.model_json_schema(
            ref_template="#/$defs/{model}", mode="serialization"
        )
        return {"$schema": JSON_SCHEMA_DIALECT, **schema}


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        REPORT_CREATED, "A report was created (a batch upsert, over REST or GraphQL).", ReportOut
    ),
    CatalogEntry(
        REPORT_UPDATED,
        "A batch upsert changed a report; one it leaves unchanged sends nothing.",
        ReportOut,
    ),
    CatalogEntry(
        REPORT_PUBLISHED,
        "A report became published: it has a publishedAt and had none (sent after the created "
        "or updated event).",
        ReportOut,
    ),
    CatalogEntry(RUN_SUCCEEDED, "An automation run succeeded (its provider's callback).", RunOut),
    CatalogEntry(
        RUN_FAILED,
        "An automation run failed: its provider said so, or dispatching it failed.",
        RunOut,
    ),
    CatalogEntry(
        RUN_TIMED_OUT,
        "An automation run was still running AUTOMATION_RUN_TIMEOUT_SECONDS after it started.",
        RunOut,
    ),
    CatalogEntry(
        ENDPOINT_FAILING,
        "Every attempt to another endpoint of the tenant has failed for half of "
        "WEBHOOK_DISABLE_AFTER_SECONDS: it will be disabled if this goes on (sent once per run "
        "of failures, to the tenant's other enabled endpoints that subscribe to it).",
        EndpointOut,
    ),
    CatalogEntry(
        ENDPOINT_DISABLED,
        "Another endpoint of the tenant was disabled for failing (to the tenant's other enabled "
        "endpoints that subscribe to it).",
        EndpointOut,
    ),
    CatalogEntry(
        WEBHOOK_TEST,
        "A test event, asked for with POST .../webhook-endpoints/{id}/test: sent to that "
        "endpoint only, whatever its eventTypes.",
        TestEventData,
    ),
)
if tuple(entry.event_type for entry in CATALOG) != EVENT_TYPES:
    raise RuntimeError("the event-type catalog must list every event type, in order")


@dataclass(frozen=True)
class CatalogDocument:
    """The catalog as served: `{"data": [entries]}` as JSON, and its strong ETag."""

    entries: tuple[dict[str, Any], ...]
    body: bytes
    etag: str


@cache
def catalog_document() -> CatalogDocument:
    """The catalog's entries (`type`, `description`, `schema`), their JSON body and its ETag
    (a hash of the body); built once per process, as it changes only with a deploy."""
    entries = tuple(
        {"type": entry.event_type, "description": entry.description, "schema": entry.data_schema()}
        for entry in CATALOG
    )
    body = json.dumps({"data": entries}, separators=(",", ":"), ensure_ascii=False).encode()
    return CatalogDocument(entries, body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
