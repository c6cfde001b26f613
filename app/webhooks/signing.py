"""Standard Webhooks signatures, one `v1,` entry per active secret (rotation overlap)."""

from __future__ import annotations

import base64
import hmac
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from app.core.time import utc_now
from app.webhooks.secrets import SECRET_PREFIX


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: datetime, body: str) -> str:
    """The `webhook-signature` value: space-separated signatures, newest secret first.

    `timestamp` must be an aware datetime.
    """
    return signatures(secrets, msg_id, int(timestamp.timestamp()), body.encode())


def signatures(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """`signature_header` for a Unix timestamp and the body's bytes: HMAC-SHA256 of
    `{msg_id}.{timestamp}.{body}` with each secret, as the Standard Webhooks specification says."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.digest(_key(secret), signed, "sha256")).decode()
        for secret in secrets
    )


@lru_cache(maxsize=1024)
def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


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
