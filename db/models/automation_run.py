from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, TimestampsMixin

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "timed_out")
TERMINAL_RUN_STATUSES = ("succeeded", "failed", "timed_out")


class AutomationRun(IdMixin, TimestampsMixin, Base):
    __tablename__ = "automation_runs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "correlation_id"),
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out')", name="status"
        ),
        CheckConstraint("provider IN ('activepieces', 'sandbox')", name="provider"),
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
            postgresql_where=text("status = 'queued' AND next_attempt_at IS NOT NULL"),
        ),
        # The timeout sweep looks for runs running since before a cutoff.
        Index(
            "ix_automation_runs_running_since",
            "started_at",
            postgresql_where=text("status = 'running'"),
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
    provider: Mapped[str]
    status: Mapped[str] = mapped_column(server_default=text("'queued'"))
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
