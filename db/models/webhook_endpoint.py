from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, TimestampsMixin


class WebhookEndpoint(IdMixin, TimestampsMixin, Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_order", "tenant_id", "created_at", "id"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    url: Mapped[str]
    # NULL means every event type, including types added later.
    event_types: Mapped[list[str] | None]
    description: Mapped[str | None]
    enabled: Mapped[bool] = mapped_column(server_default=text("true"))
    # Since when the endpoint has been enabled without a break: events that occurred before
    # (before its creation, or while it was disabled) are not delivered to it.
    enabled_since: Mapped[datetime] = mapped_column(server_default=func.now())
    # Fernet tokens (DATA_ENCRYPTION_KEY); the plain secret is never stored.
    secret_encrypted: Mapped[str]
    previous_secret_encrypted: Mapped[str | None]
    previous_secret_expires_at: Mapped[datetime | None]
