"""Automation run input and output (CONTRACT.md §6, §7)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from app.core.schemas import InputModel, JsonObject, OutputModel, PageOut
from app.core.time import UtcDateTime
from db.models.automation_run import Provider, RunStatus

# Flow ids go into the dispatch URL path, so they are kept to URL-safe characters.
FLOW_ID_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
CorrelationId = Annotated[str, Field(min_length=1, max_length=128)]
# Literals rather than the enums of db/models/automation_run.py: they give the validation
# messages and the OpenAPI schema their plain strings. A test keeps them to the enums' values.
ProviderName = Literal["activepieces", "sandbox"]
CallbackStatus = Literal["running", "succeeded", "failed"]


class CreateRunIn(InputModel):
    flow_id: Annotated[str, Field(pattern=FLOW_ID_PATTERN)]
    input: JsonObject = Field(default_factory=dict)
    correlation_id: CorrelationId | None = None
    provider: ProviderName = "activepieces"


class CallbackIn(InputModel):
    correlation_id: CorrelationId
    status: CallbackStatus
    output: JsonObject | None = None
    error: JsonObject | None = None
    provider_run_id: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    # The run id that dispatch sent: when present, the callback applies to that run only.
    run_id: Annotated[str | None, Field(max_length=100)] = None


class RunOut(OutputModel):
    id: uuid.UUID
    flow_id: str
    provider: Provider
    status: RunStatus
    correlation_id: str
    input: dict[str, Any]
    output: dict[str, Any] | None
    error: dict[str, Any] | None
    provider_run_id: str | None
    attempts: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    started_at: UtcDateTime | None
    completed_at: UtcDateTime | None


class RunEnvelope(OutputModel):
    data: RunOut


class RunPageOut(PageOut):
    data: list[RunOut]
    next_cursor: str | None
