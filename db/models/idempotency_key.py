from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin


class IdempotencyKey(CreatedAtMixin, Base):
    """A stored response, written in the transaction of the effect it answers."""

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(primary_key=True)
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary(32))
    response_status: Mapped[int]
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    response_headers: Mapped[dict[str, Any]]
    expires_at: Mapped[datetime] = mapped_column(index=True)
