"""Strawberry's decorators with a description, typed: called with options, Strawberry's
return `Any`, which mypy --strict refuses on a decorated resolver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry
from strawberry.tools import merge_types

Resolver = TypeVar("Resolver", bound=Callable[..., Any])


def field(description: str, **options: Any) -> Callable[[Resolver], Resolver]:
    """`@strawberry.field(description=...)`."""
    return cast(
        "Callable[[Resolver], Resolver]", strawberry.field(description=description, **options)
    )


def mutation(description: str, **options: Any) -> Callable[[Resolver], Resolver]:
    """`@strawberry.mutation(description=...)`."""
    return cast(
        "Callable[[Resolver], Resolver]", strawberry.mutation(description=description, **options)
    )


def subscription(description: str, **options: Any) -> Callable[[Resolver], Resolver]:
    """`@strawberry.subscription(description=...)`."""
    return cast(
        "Callable[[Resolver], Resolver]",
        strawberry.subscription(description=description, **options),
    )


def described_root(name: str, description: str, parts: tuple[type, ...]) -> type:
    """`merge_types(name, parts)`, described."""
    root = merge_types(name, parts)
    root.__strawberry_definition__.description = description  # type: ignore[attr-defined]
    return root
