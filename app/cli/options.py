"""Options several commands share, and parsers of option values: a value they refuse is bad
input (status 2), reported as `<command>: Invalid value for '--option': <why>`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from app.core.ids import parse_id
from app.tenants.keys import SCOPES

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object on stdout instead of text.")
]
TenantOption = Annotated[str, typer.Option(metavar="TENANT", help="The tenant's UUID or slug.")]


class ScopeList(tuple[str, ...]):
    """API key scopes, given as `a,b`."""


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise typer.BadParameter("must be a whole number >= 1")
    return int(text)


def port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise typer.BadParameter("must be a port number, 1 to 65535")
    return int(text)


def days_from_now(text: str) -> int:
    days = positive_int(text)
    try:
        datetime.now(UTC) + timedelta(days=days)
    except OverflowError:
        raise typer.BadParameter("is too far in the future") from None
    return days


def uuid_value(text: str) -> uuid.UUID:
    if (parsed := parse_id(text)) is None:
        raise typer.BadParameter("must be a UUID (8-4-4-4-12 hexadecimal digits)")
    return parsed


def scope_list_of(allowed: Sequence[str]) -> Callable[[str], ScopeList]:
    """A parser of `a,b`: one or more of `allowed`."""

    def parse(text: str) -> ScopeList:
        scopes = ScopeList(part.strip() for part in text.split(",") if part.strip())
        if not scopes or any(scope not in allowed for scope in scopes):
            raise typer.BadParameter(f"must be among {','.join(allowed)}")
        return scopes

    return parse


scope_list = scope_list_of(SCOPES)
