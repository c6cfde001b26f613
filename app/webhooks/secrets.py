"""Endpoint signing secrets: generated once, stored only as Fernet tokens, rotated with overlap."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from cryptography.fernet import Fernet, MultiFernet

SECRET_PREFIX = "whsec_"  # noqa: S105
SECRET_BYTES = 32


def generate_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


class SecretBox:
    """Encrypts secrets with the first DATA_ENCRYPTION_KEY; decrypts with any of them."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one Fernet key is required")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])
        self._opened = lru_cache(maxsize=1024)(self._open)

    @classmethod
    def from_keys(cls, keys: Sequence[str]) -> SecretBox:
        """The box for these keys, built once per process."""
        return _box_for(tuple(keys))

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The secret; cryptography's InvalidToken when no configured key opens the token.

        Tokens opened recently are remembered: every delivery to an endpoint needs its secret.
        """
        return self._opened(token)

    def _open(self, token: str) -> str:
        return self._fernet.decrypt(token.encode("ascii")).decode()


@lru_cache(maxsize=8)
def _box_for(keys: tuple[str, ...]) -> SecretBox:
    return SecretBox(keys)


class EndpointSecrets(Protocol):
    """An endpoint's stored secrets: a WebhookEndpoint, or the columns read with a claim."""

    @property
    def secret_encrypted(self) -> str: ...
    @property
    def previous_secret_encrypted(self) -> str | None: ...
    @property
    def previous_secret_expires_at(self) -> datetime | None: ...


def signing_secrets(endpoint: EndpointSecrets, box: SecretBox, now: datetime) -> list[str]:
    """The secrets a delivery is signed with: the current one, then the previous one until it
    expires."""
    current = [box.decrypt(endpoint.secret_encrypted)]
    if (
        endpoint.previous_secret_encrypted is not None
        and endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > now
    ):
        return [*current, box.decrypt(endpoint.previous_secret_encrypted)]
    return current
