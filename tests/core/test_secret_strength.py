"""The secret strength estimate: generated secrets pass with room to spare, patterns fail."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Callable

import pytest
from cryptography.fernet import Fernet

from app.core.secret_strength import (
    MIN_SECRET_BITS,
    MIN_SHORT_TOKEN_BITS,
    estimated_bits,
    weakness,
)

SAMPLES = 2000


def render_generated_value() -> str:
    """Render's `generateValue: true`: a random base64-encoded 256-bit value."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def openssl_rand_base64_32() -> str:
    """What `openssl rand -base64 32` prints: standard base64 of 32 random bytes."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


# The documented ways, with the minimum length each is judged against.
DOCUMENTED: dict[str, tuple[Callable[[], str | bytes], int]] = {
    "API_KEY_PEPPER, secrets.token_urlsafe(48)": (lambda: secrets.token_urlsafe(48), 32),
    "secrets.token_urlsafe(32)": (lambda: secrets.token_urlsafe(32), 32),
    "secrets.token_hex(32)": (lambda: secrets.token_hex(32), 32),
    "openssl rand -base64 32": (openssl_rand_base64_32, 32),
    "Render generateValue": (render_generated_value, 32),
    "Fernet.generate_key(), its bytes": (
        lambda: base64.urlsafe_b64decode(Fernet.generate_key()),
        32,
    ),
    "whsec_ secret of 32 random bytes, its bytes": (lambda: secrets.token_bytes(32), 24),
}
# Random values of the shortest lengths accepted.
SHORTEST: dict[str, tuple[Callable[[], str | bytes], int, int]] = {
    "32 url-safe characters": (lambda: secrets.token_urlsafe(24), 32, MIN_SECRET_BITS),
    "32 hex characters": (lambda: secrets.token_hex(16), 32, MIN_SECRET_BITS),
    "24 random bytes": (lambda: secrets.token_bytes(24), 24, MIN_SECRET_BITS),
    "16 url-safe characters": (lambda: secrets.token_urlsafe(12), 16, MIN_SHORT_TOKEN_BITS),
}


@pytest.mark.parametrize("kind", DOCUMENTED)
def test_documented_secrets_pass_with_wide_headroom(kind: str) -> None:
    generate, min_length = DOCUMENTED[kind]
    values = [generate() for _ in range(SAMPLES)]
    assert [weakness(v, min_length=min_length, min_bits=MIN_SECRET_BITS) for v in values] == [
        None
    ] * SAMPLES
    # The headroom the thresholds were chosen with (measured in app/core/secret_strength.py).
    assert min(estimated_bits(value) for value in values) >= 1.5 * MIN_SECRET_BITS


@pytest.mark.parametrize("kind", SHORTEST)
def test_shortest_random_secrets_pass(kind: str) -> None:
    generate, min_length, min_bits = SHORTEST[kind]
    for _ in range(SAMPLES):
        assert weakness(generate(), min_length=min_length, min_bits=min_bits) is None


@pytest.mark.parametrize(
    ("secret", "cause"),
    [
        ("a" * 32, "only 1 distinct character"),
        ("ab" * 16, "it repeats a pattern"),
        ("abcd" * 8, "it repeats a pattern"),
        ("0123456789" * 4, "it moves in equal steps"),
        ("password" * 4, "it repeats a pattern"),
        ("a" * 31 + "b", "bits of entropy"),
        ("abcdefghijklmnopqrstuvwxyz012345", "it moves in equal steps"),
        ("zyxwvutsrqponmlkjihgfedcba987654", "it moves in equal steps"),
        ("qwertyuiopasdfghjklzxcvbnm123456", "neighbouring keyboard keys"),
        ("1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,", "bits of entropy"),
        ("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "bits of entropy"),
        ("Password123!Password123!Password123!", "it repeats a pattern"),
        ("p" * 48, "only 1 distinct character"),
        (bytes(32), "only 1 distinct byte"),
        (b"\xa7" * 32, "only 1 distinct byte"),
        (bytes(range(32)), "its bytes move in equal steps"),
        (bytes(range(255, 223, -1)), "its bytes move in equal steps"),
        (b"\x00\x01" * 16, "it repeats a pattern"),
        (b"secret-secret-secret-secret-000", "it repeats a pattern"),
    ],
)
def test_patterned_secrets_are_too_weak(secret: str | bytes, cause: str) -> None:
    reason = weakness(secret, min_length=16, min_bits=MIN_SECRET_BITS)
    assert reason is not None
    assert cause in reason
    assert f"at least {MIN_SECRET_BITS} needed" in reason
    text = secret if isinstance(secret, str) else secret.decode("latin-1")
    assert text[:8] not in reason


@pytest.mark.parametrize("token", ["a" * 16, "ab" * 8, "abcdefghijklmnop", "password" * 2])
def test_patterned_short_tokens_are_too_weak(token: str) -> None:
    assert weakness(token, min_length=16, min_bits=MIN_SHORT_TOKEN_BITS) is not None


def test_the_reason_says_what_is_wrong() -> None:
    assert weakness("a" * 32, min_length=32, min_bits=80) == (
        "only 1 distinct character (about 0 bits of entropy; at least 80 needed)"
    )
    assert weakness("x7", min_length=32, min_bits=80) == "only 2 characters (at least 32 needed)"
    assert weakness(bytes(16), min_length=24, min_bits=80) == "only 16 bytes (at least 24 needed)"


def test_a_long_repetitive_value_is_judged_quickly() -> None:
    # Thousands of earlier starts match each position at length; only a bounded few are tried.
    value = "a" * 5000 + "b" + "a" * 5000 + "c"
    started = time.perf_counter()
    assert weakness(value, min_length=32, min_bits=MIN_SECRET_BITS) is not None
    assert time.perf_counter() - started < 1
