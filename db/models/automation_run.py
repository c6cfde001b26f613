from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, EnumText, IdMixin, TimestampsMixin, one_of


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


# A run moves on only from an active status; a terminal one never changes (but for a DLQ retry).
ACTIVE_STATUSES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})
TERMINAL_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.TIMED_OUT})


class Provider(StrEnum):
    """Where a run is dispatched: ActivePieces' webhook trigger, or the built-in sandbox."""

    ACTIVEPIECES = "activepieces"
    SANDBOX = "sandbox"


class AutomationRun(IdMixin, TimestampsMixin, Base):
    __tablename__ = "automation_runs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "correlation_id"),
        CheckConstraint(one_of("status", RunStatus), name="status"),
        CheckConstraint(one_of("provider", Provider), name="provider"),
        Index("ix_automation_runs_order", "tenant_id", text("created_at DESC"), text("id DESC")),
        Index(
            "ix_automation_runs_status_order",
            "tenant_id",
            "status",
            text("created_at DESC"),
            text("id DESC"),
        ),
        # The dispatch sweep looks for queued runs whose next attempt is due.
        Index(
            "ix_automation_runs_dispatch_due",
            "next_attempt_at",
            postgresql_where=text(f"status = '{RunStatus.QUEUED}' AND next_attempt_at IS NOT NULL"),
        ),
        # The timeout sweep looks for runs running since before a cutoff.
        Index(
            "ix_automation_runs_running_since",
            "started_at",
            postgresql_where=text(f"status = '{RunStatus.RUNNING}'"),
        ),
        # Crash recovery looks for leases held by workers that are gone (few rows at a time).
        Index(
            "ix_automation_runs_leased",
            "lease_holder",
            postgresql_where=text("lease_holder IS NOT NULL"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    flow_id: Mapped[str]
    provider: Mapped[Provider] = mapped_column(EnumText(Provider))
    status: Mapped[RunStatus] = mapped_column(
        EnumText(RunStatus), server_default=RunStatus.QUEUED.value
    )
    correlation_id: Mapped[str]
    # The X-Correlation-Id of the request that created the run (a tracing id).
    trace_id: Mapped[str | None]
    input: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    output: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
    provider_run_id: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    # Position in AUTOMATION_RETRY_SCHEDULE; back to 0 when an exhausted dispatch is retried.
    schedule_step: Mapped[int] = mapped_column(server_default=text("0"))
    next_attempt_at: Mapped[datetime | None]
    # The liveness lock id of the worker dispatching it now (db/leases.py); null otherwise.
    lease_holder: Mapped[int | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
