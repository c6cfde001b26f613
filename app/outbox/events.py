"""Event types (CONTRACT.md §8) and the shape of a new outbox event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

REPORT_CREATED = "report.created"
REPORT_UPDATED = "report.updated"
REPORT_PUBLISHED = "report.published"
RUN_SUCCEEDED = "automation_run.succeeded"
RUN_FAILED = "automation_run.failed"
RUN_TIMED_OUT = "automation_run.timed_out"

EVENT_TYPES = (
    REPORT_CREATED,
    REPORT_UPDATED,
    REPORT_PUBLISHED,
    RUN_SUCCEEDED,
    RUN_FAILED,
    RUN_TIMED_OUT,
)


@dataclass(frozen=True)
class NewEvent:
    tenant_id: uuid.UUID
    event_type: str
    payload: dict[str, Any]
    correlation_id: str | None
