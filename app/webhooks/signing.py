"""Standard Webhooks signatures, one `v1,` entry per active secret (rotation overlap)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` value: space-separated signatures, newest secret first.

    `timestamp` must be an aware UTC datetime (the library mishandles naive ones).
    """
    return " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets)
