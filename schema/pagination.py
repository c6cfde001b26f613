"""Relay-style connection arguments."""

from __future__ import annotations

from app.core.errors import ValidationFailed


def check_first(first: int, maximum: int) -> None:
    if not 1 <= first <= maximum:
        raise ValidationFailed(
            details=[{"path": "first", "message": f"must be between 1 and {maximum}"}]
        )
