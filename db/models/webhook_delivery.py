from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, EnumText, IdMixin, TimestampsMixin, one_of


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    # The event matched the endpoint while it was disabled: never sent, until recovered.
    SKIPPED = "skipped"


class WebhookDelivery(IdMixin, TimestampsMixin, Base):
    """One event for one endpoint; PostgreSQL holds its state, Redis only carries the work."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # Event first: it also serves the deletes that cascade from an event.
        UniqueConstraint("event_id", "endpoint_id"),
        CheckConstraint(one_of("status", DeliveryStatus), name="status"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text(f"status = '{DeliveryStatus.PENDING}'"),
        ),
        Index("ix_webhook_deliveries_log", "endpoint_id", text("created_at DESC"), text("id DESC")),
        # An endpoint's backlog and its oldest pending delivery (delivery statistics).
        Index(
            "ix_webhook_deliveries_pending",
            "endpoint_id",
            "created_at",
            postgresql_where=text(f"status = '{DeliveryStatus.PENDING}'"),
        ),
        Index(
            "ix_webhook_deliveries_tenant_log",
            "tenant_id",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_webhook_deliveries_request",
            "tenant_id",
            "request_id",
            postgresql_where=text("request_id IS NOT NULL"),
        ),
        Index(
            "ix_webhook_deliveries_resource",
            "tenant_id",
            "resource_id",
            postgresql_where=text("resource_id IS NOT NULL"),
        ),
        Index(
            "ix_webhook_deliveries_dead",
            "tenant_id",
            "updated_at",
            postgresql_where=text(f"status = '{DeliveryStatus.DEAD}'"),
        ),
        # The claim holds an ordered delivery while an earlier one of its endpoint and resource
        # is pending.
        Index(
            "ix_webhook_deliveries_ordered_pending",
            "endpoint_id",
            "resource_id",
            "event_position",
            postgresql_where=text(
                f"status = '{DeliveryStatus.PENDING}' AND event_position IS NOT NULL"
            ),
        ),
        # Retention deletes finished deliveries by age, oldest first, a batch at a time.
        Index(
            "ix_webhook_deliveries_finished",
            "updated_at",
            postgresql_where=text(
                f"status IN ('{DeliveryStatus.DELIVERED}', '{DeliveryStatus.DEAD}', "
                f"'{DeliveryStatus.SKIPPED}')"
            ),
        ),
        # Crash recovery looks for leases held by workers that are gone (few rows at a time).
        Index(
            "ix_webhook_deliveries_leased",
            "lease_holder",
            postgresql_where=text("lease_holder IS NOT NULL"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(
        EnumText(DeliveryStatus), server_default=DeliveryStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    # Position in WEBHOOK_RETRY_SCHEDULE; back to 0 when a dead delivery is retried, while
    # `attempts` keeps counting.
    schedule_step: Mapped[int] = mapped_column(server_default=text("0"))
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None]
    last_response_body: Mapped[str | None]
    next_attempt_at: Mapped[datetime | None]
    # The liveness lock id of the worker attempting it now (db/leases.py); null otherwise.
    lease_holder: Mapped[int | None]
    delivered_at: Mapped[datetime | None]
    # Copied from the event: the report or run it is about, and the API request that caused it.
    resource_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None]
    # The event's position when the endpoint orders per resource and the event has a resource:
    # sent only after every earlier one of the endpoint and resource is done. Null: never held.
    event_position: Mapped[int | None] = mapped_column(BigInteger)
