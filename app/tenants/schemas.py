"""API keys as the tenant's own callers see them: never the key nor its hash."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import OutputModel
from app.core.time import UtcDateTime


class ApiKeyOut(OutputModel):
    prefix: str = Field(description="The key's prefix (after `afk_`): how it is named and revoked.")
    name: str = Field(description="What the key is for.")
    scopes: list[str] = Field(description="The scopes the key grants.")
    created_at: UtcDateTime = Field(description="When the key was issued.")
    last_used_at: UtcDateTime | None = Field(
        description="When the key last authenticated a request (recorded at most once a "
        "minute per key); null if never."
    )
    expires_at: UtcDateTime | None = Field(
        description="When the key stops working; null if it never expires."
    )
    revoked_at: UtcDateTime | None = Field(
        description="When the key was revoked; null while it is not."
    )
