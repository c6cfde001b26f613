"""Endpoint secrets: format, encryption at rest with rotating keys, the signing set."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken

from app.core.time import utc_now
from app.webhooks.secrets import SecretBox, generate_secret, signing_secrets
from db.models.webhook_endpoint import WebhookEndpoint

SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$")


def test_generated_secrets_are_32_random_bytes_in_standard_base64() -> None:
    made = {generate_secret() for _ in range(50)}
    assert len(made) == 50
    for secret in made:
        assert SECRET.match(secret), secret
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = generate_secret()
    token = SecretBox([old]).encrypt(secret)
    assert secret not in token
    rotated = SecretBox([new, old])
    assert rotated.decrypt(token) == secret
    assert SecretBox([new]).decrypt(rotated.encrypt(secret)) == secret
    with pytest.raises(InvalidToken):
        SecretBox([new]).decrypt(token)


def test_boxes_are_built_once_per_key_list() -> None:
    key = Fernet.generate_key().decode()
    assert SecretBox.from_keys([key]) is SecretBox.from_keys((key,))
    with pytest.raises(ValueError, match="at least one"):
        SecretBox([])


def test_signing_secrets_include_the_previous_one_until_it_expires() -> None:
    box = SecretBox([Fernet.generate_key().decode()])
    now = utc_now()
    current, previous = generate_secret(), generate_secret()
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        secret_encrypted=box.encrypt(current),
        previous_secret_encrypted=box.encrypt(previous),
        previous_secret_expires_at=now + timedelta(hours=1),
    )
    assert signing_secrets(endpoint, box, now) == [current, previous]
    assert signing_secrets(endpoint, box, now + timedelta(hours=1)) == [current]
    endpoint.previous_secret_encrypted = None
    endpoint.previous_secret_expires_at = None
    assert signing_secrets(endpoint, box, now) == [current]
