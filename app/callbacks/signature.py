"""Standard Webhooks verification of provider callbacks, against every configured secret."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.core.errors import InvalidSignature


def verify_signature(secrets: Sequence[str], headers: Mapping[str, str], body: bytes) -> None:
    """Accept the callback if any secret signed it within ±300 s; else InvalidSignature.

    Verified over the raw body bytes. A malformed header or a body that is not UTF-8 raises
    other errors inside the library: they are refused the same way.
    """
    wanted = {"webhook-id", "webhook-timestamp", "webhook-signature"}
    signed_headers = {name: value for name, value in headers.items() if name in wanted}
    for secret in secrets:
        try:
            Webhook(secret).verify(body, signed_headers, json_parse=False)
        except (WebhookVerificationError, ValueError, UnicodeDecodeError):
            continue
        return
    raise InvalidSignature
