from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, TimestampsMixin


class Report(IdMixin, TimestampsMixin, Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "slug"),
        # Keyset pagination: status=published by (publishedAt, id) desc, draft/all by
        # (updatedAt, id) desc; /latest is the first row of the published index.
        Index(
            "ix_reports_published_order",
            "tenant_id",
            text("published_at DESC"),
            text("id DESC"),
            postgresql_where=text("published_at IS NOT NULL"),
        ),
        Index(
            "ix_reports_draft_order",
            "tenant_id",
            text("updated_at DESC"),
            text("id DESC"),
            postgresql_where=text("published_at IS NULL"),
        ),
        Index("ix_reports_updated_order", "tenant_id", text("updated_at DESC"), text("id DESC")),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    slug: Mapped[str]
    title: Mapped[str]
    summary: Mapped[str | None]
    content: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    published_at: Mapped[datetime | None]
