"""Subscription fields declared with their descriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

Resolver = TypeVar("Resolver", bound=Callable[..., Any])


def described_subscription(description: str) -> Callable[[Resolver], Resolver]:
    """`strawberry.subscription(description=...)`, typed as the decorator it is (Strawberry
    types the form with arguments as returning Any)."""
    return cast(Callable[[Resolver], Resolver], strawberry.subscription(description=description))
