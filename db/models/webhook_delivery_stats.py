from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class WebhookDeliveryStats(Base):
    """Per endpoint and minute, the delivery attempts recorded in it (CONTRACT.md §14
    statistics): written with each recorded batch of outcomes, read a window at a time, pruned
    after a while (app/webhooks/stats.py)."""

    __tablename__ = "webhook_delivery_stats"
    # Pruning finds old minutes across endpoints.
    __table_args__ = (Index("ix_webhook_delivery_stats_minute", "minute"),)

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), primary_key=True
    )
    minute: Mapped[datetime] = mapped_column(primary_key=True)
    attempts: Mapped[int]
    delivered: Mapped[int]
    failed: Mapped[int]
    # Successful attempts counted by latency, one slot per bucket of LATENCY_BOUNDS_MS
    # (app/webhooks/stats_repository.py).
    latency_buckets: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
