from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin


class OutboxEvent(IdMixin, Base):
    """An event recorded in the transaction of its cause; its id is every delivery's webhook-id."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_events_unrelayed",
            "occurred_at",
            postgresql_where=text("relayed_at IS NULL"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    event_type: Mapped[str]
    payload: Mapped[dict[str, Any]]
    correlation_id: Mapped[str | None]
    # The report or run the event is about; the X-Request-Id and Idempotency-Key of the API
    # request that caused it (null when a job did).
    resource_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None]
    idempotency_key: Mapped[str | None]
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    relayed_at: Mapped[datetime | None]
