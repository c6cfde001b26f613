"""The `aetherflow` command line: its commands, `--version`, and the exit status of a run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.main import get_command

from app.cli import servers
from app.cli.console import PROG
from app.cli.console_link import console_link
from app.cli.dlq import dlq_commands
from app.cli.groups import command_group
from app.cli.keys import key_commands
from app.cli.runner import FAILURES, report
from app.cli.tenants import seed, tenant_commands
from app.cli.webhooks import webhook_commands

app = command_group("AetherFlow backend operator commands.")
for command in (servers.migrate, servers.api, servers.worker, servers.up, seed):
    app.command()(command)
app.command("console-link")(console_link)
app.add_typer(tenant_commands, name="tenants")
app.add_typer(key_commands, name="keys")
app.add_typer(dlq_commands, name="dlq")
app.add_typer(webhook_commands, name="webhooks")


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"{PROG} {version('aetherflow')}")
        raise typer.Exit


@app.callback()
def _root_options(
    _: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the installed version and exit.",
        ),
    ] = False,
) -> None:
    pass


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    try:
        status = get_command(app).main(
            args=sys.argv[1:] if argv is None else list(argv),
            prog_name=PROG,
            standalone_mode=False,
        )
    except FAILURES as error:
        return report(error)
    return status if isinstance(status, int) else 0


def main() -> None:
    sys.exit(run())


@dataclass(frozen=True)
class Invocation:
    command: str
    options: dict[str, Any]


def parse(argv: Sequence[str]) -> Invocation:
    """The command a command line names (`api`, `dlq retry`) and its option values, without
    running it: deploy files are checked against it. Raises the usage error `run` reports."""
    command = get_command(app)
    names: list[str] = []
    args = list(argv)
    while isinstance(command, TyperGroup) and args and args[0] in command.commands:
        names.append(args.pop(0))
        command = command.commands[names[-1]]
    if isinstance(command, TyperGroup):
        raise ValueError(f"{' '.join(argv)!r} names no {PROG} command")
    context = command.make_context(" ".join([PROG, *names]), args)
    return Invocation(" ".join(names), dict(context.params))
