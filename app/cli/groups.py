"""Command groups (`aetherflow`, `aetherflow dlq`, ...): plain help text, no shell-completion
options, and an unknown command named as before the move to Typer."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup


class CommandGroup(TyperGroup):
    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # ctx: the Context of Typer's vendored Click (typer.Context is a subclass of it).
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.fail(f"invalid choice: {args[0]!r} (choose from {', '.join(self.commands)})")
        return super().resolve_command(ctx, args)


def command_group(description: str) -> typer.Typer:
    return typer.Typer(
        cls=CommandGroup,
        help=description,
        rich_markup_mode=None,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
