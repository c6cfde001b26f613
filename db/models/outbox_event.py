from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Sequence, func, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin

# Draws each event's position (migration 0006 explains why a sequence and not an identity).
EVENT_POSITIONS = Sequence("outbox_events_position_seq", metadata=Base.metadata, cache=1)


class OutboxEvent(IdMixin, Base):
    """An event recorded in the transaction of its cause; its id is every delivery's webhook-id."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_events_unrelayed",
            "occurred_at",
            postgresql_where=text("relayed_at IS NULL"),
        ),
        # The earliest unrelayed position: ordered deliveries wait until it is past theirs.
        Index(
            "ix_outbox_events_unrelayed_position",
            "position",
            postgresql_where=text("relayed_at IS NULL"),
        ),
        # Retention deletes relayed events by age, oldest first.
        Index(
            "ix_outbox_events_relayed",
            "relayed_at",
            postgresql_where=text("relayed_at IS NOT NULL"),
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
    # Drawn when the row is inserted, which for one resource happens under the writer's lock
    # on it: for one resource, position order is commit order (unlike `occurred_at`, the
    # transaction's start). Null for events recorded before revision 0006.
    position: Mapped[int | None] = mapped_column(
        BigInteger, server_default=text("nextval('outbox_events_position_seq'::regclass)")
    )
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    relayed_at: Mapped[datetime | None]
