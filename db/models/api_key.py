from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CHAR, ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin, IdMixin


class ApiKey(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "api_keys"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str]
    prefix: Mapped[str] = mapped_column(CHAR(8), unique=True)
    # HMAC-SHA256(API_KEY_PEPPER, full key); the key itself is never stored.
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    scopes: Mapped[list[str]]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
