"""`@field(description)` and `@mutation(description)`: Strawberry's decorators with a
description, typed (called with arguments, Strawberry's own are untyped for mypy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

Resolver = TypeVar("Resolver", bound=Callable[..., Any])


def field(description: str) -> Callable[[Resolver], Resolver]:
    """A resolver as a described field (the type checker keeps seeing the function)."""

    def described(resolver: Resolver) -> Resolver:
        return cast("Resolver", strawberry.field(resolver, description=description))

    return described


def mutation(description: str) -> Callable[[Resolver], Resolver]:
    """A resolver as a described mutation."""

    def described(resolver: Resolver) -> Resolver:
        return cast("Resolver", strawberry.mutation(resolver, description=description))

    return described
