from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin, IdMixin


class Tenant(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
