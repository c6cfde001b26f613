from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, EnumText, IdMixin, TimestampsMixin, one_of


class RecoveryStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class WebhookRecovery(IdMixin, TimestampsMixin, Base):
    """Dead or skipped deliveries of one endpoint sent back to pending, batch by batch, by the
    worker; the cursor makes it resumable after a crash (CONTRACT.md §14)."""

    __tablename__ = "webhook_recoveries"
    __table_args__ = (
        CheckConstraint(one_of("status", RecoveryStatus), name="status"),
        # The sweep resumes running recoveries whose worker stopped (few rows at a time).
        Index(
            "ix_webhook_recoveries_running",
            "updated_at",
            postgresql_where=text(f"status = '{RecoveryStatus.RUNNING}'"),
        ),
        Index("ix_webhook_recoveries_endpoint", "endpoint_id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    # Deliveries created in [since, until) with one of these statuses; `until` is fixed when
    # the recovery starts (the request's time when it named none).
    since: Mapped[datetime]
    until: Mapped[datetime]
    statuses: Mapped[list[str]]
    status: Mapped[RecoveryStatus] = mapped_column(
        EnumText(RecoveryStatus), server_default=RecoveryStatus.RUNNING.value
    )
    total: Mapped[int] = mapped_column(server_default=text("0"))
    done: Mapped[int] = mapped_column(server_default=text("0"))
    failed: Mapped[int] = mapped_column(server_default=text("0"))
    # The last delivery handled, in (created_at, id) order: the next batch starts after it.
    cursor_created_at: Mapped[datetime | None]
    cursor_id: Mapped[uuid.UUID | None]
    completed_at: Mapped[datetime | None]
