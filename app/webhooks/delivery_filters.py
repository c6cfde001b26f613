"""What the tenant's delivery list (CONTRACT.md §14) is filtered by, and the cursor ordering
that binds a page's cursor to those filters."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from app.core import json_codec
from db.models.webhook_delivery import DeliveryStatus


@dataclass(frozen=True)
class DeliveryFilters:
    """Every filter given must hold (None: not filtered). `since` is inclusive and `until`
    exclusive, both compared with the delivery's createdAt."""

    endpoint_id: uuid.UUID | None = None
    status: DeliveryStatus | None = None
    event_type: str | None = None
    event_id: uuid.UUID | None = None
    request_id: str | None = None
    resource_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None

    def ordering(self) -> str:
        """The cursor ordering of the list under these filters: a cursor continues only the
        list, with the same filters, it came from."""
        values = {name: _text(value) for name, value in asdict(self).items() if value is not None}
        digest = hashlib.sha256(json_codec.dumps(values)).hexdigest()[:24]
        return f"webhook-deliveries.tenant.{digest}"


def _text(value: object) -> str:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else str(value)
