from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin, IdMixin


class BrowserSession(IdMixin, CreatedAtMixin, Base):
    """A short-lived token minted for a browser by a tenant's backend (CONTRACT.md §15); the
    token itself is never stored, only what it grants. The id is the token's `jti`."""

    __tablename__ = "browser_sessions"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    # The API key that minted it (kept for the audit trail; a deleted key leaves it null).
    key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    subject: Mapped[str]
    scopes: Mapped[list[str]]
    origins: Mapped[list[str]]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
