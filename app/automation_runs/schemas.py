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
    id: uuid.UUID = Field(description="The run's id (a UUID).")
    flow_id: str = Field(description="The flow the run starts.")
    provider: Provider = Field(
        description="Where the run is dispatched: `activepieces` or `sandbox`."
    )
    status: RunStatus = Field(description="Where the run stands.")
    correlation_id: str = Field(
        description="The run's correlation id (the client's, or one generated), unique in "
        "the tenant; callbacks name the run by it."
    )
    input: dict[str, Any] = Field(description="The input the flow is given: a JSON object.")
    output: dict[str, Any] | None = Field(
        description="What the flow returned, once it succeeded; null before."
    )
    error: dict[str, Any] | None = Field(
        description="Why the run failed or timed out; null otherwise."
    )
    provider_run_id: str | None = Field(
        description="The provider's own id of the run, once a callback gave it."
    )
    attempts: int = Field(description="Dispatch attempts made so far.")
    created_at: UtcDateTime = Field(description="When the run was created.")
    updated_at: UtcDateTime = Field(description="When the run last changed.")
    started_at: UtcDateTime | None = Field(description="When the run started running.")
    completed_at: UtcDateTime | None = Field(description="When the run reached a terminal status.")


class RunEnvelope(OutputModel):
    data: RunOut


class RunPageOut(PageOut):
    data: list[RunOut]
    next_cursor: str | None
