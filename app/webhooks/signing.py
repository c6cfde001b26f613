"""Standard Webhooks signatures, one `v1,` entry per active secret (rotation overlap)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from app.core.time import utc_now


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` value: space-separated signatures, newest secret first.

    `timestamp` must be an aware UTC datetime (the library mishandles naive ones).
    """
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets)


def signed_headers(secret: str, body: str, *, message_id: str | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for `body`, signed now with `secret`."""
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    sent_at = utc_now().replace(microsecond=0)
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature_header([secret], message_id, sent_at, body),
    }
