from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, EnumText, IdMixin, TimestampsMixin, one_of

MAX_DELIVERIES_PER_SECOND = 1000


class DisabledReason(StrEnum):
    FAILING = "failing"
    MANUAL = "manual"


class Ordering(StrEnum):
    NONE = "none"
    PER_RESOURCE = "per-resource"


class WebhookEndpoint(IdMixin, TimestampsMixin, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        Index("ix_webhook_endpoints_order", "tenant_id", "created_at", "id"),
        CheckConstraint(one_of("disabled_reason", DisabledReason), name="disabled_reason"),
        CheckConstraint(one_of("ordering", Ordering), name="ordering"),
        CheckConstraint(
            f"max_deliveries_per_second BETWEEN 1 AND {MAX_DELIVERIES_PER_SECOND}",
            name="max_deliveries_per_second",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    url: Mapped[str]
    # NULL means every event type, including types added later.
    event_types: Mapped[list[str] | None]
    description: Mapped[str | None]
    enabled: Mapped[bool] = mapped_column(server_default=text("true"))
    # Since when the endpoint has been enabled without a break: events that occurred before
    # (before its creation, or while it was disabled) are not delivered to it.
    enabled_since: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set with `enabled` false: since when, and whether by hand or for failing (CONTRACT.md §14).
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[DisabledReason | None] = mapped_column(EnumText(DisabledReason))
    ordering: Mapped[Ordering] = mapped_column(
        EnumText(Ordering), server_default=Ordering.NONE.value
    )
    max_deliveries_per_second: Mapped[int | None]
    # The unbroken run of failed attempts that disables an endpoint: since when every attempt
    # has failed and how many in a row; and when the tenant was warned that it is failing.
    failing_since: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(server_default=text("0"))
    failing_notice_at: Mapped[datetime | None]
    # Fernet tokens (DATA_ENCRYPTION_KEY); the plain secret is never stored.
    secret_encrypted: Mapped[str]
    previous_secret_encrypted: Mapped[str | None]
    previous_secret_expires_at: Mapped[datetime | None]
