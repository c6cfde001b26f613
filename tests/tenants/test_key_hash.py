"""The stored hash of an API key: HMAC-SHA256 of the key under the pepper."""

from __future__ import annotations

import hashlib
import hmac

from app.tenants.keys import generate_key, hash_key


def test_the_hash_of_a_key_is_the_one_stored_before() -> None:
    """Keys issued earlier are stored as this HMAC: each must still verify."""
    _, key = generate_key()
    pepper = b"a pepper of some length"
    assert hash_key(pepper, key) == hmac.new(pepper, key.encode(), hashlib.sha256).digest()
