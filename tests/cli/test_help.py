"""`aetherflow --help|--version`: every command and option says what it is for."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import version

import pytest
from typer.core import TyperGroup, TyperOption
from typer.main import get_command

from app.cli import run
from app.cli.root import app
from tests.tenants.test_cli import aetherflow


def commands() -> Iterator[tuple[str, ...]]:
    """Every command's path below `aetherflow`, groups included (the root is `()`)."""

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))

    return walk(get_command(app), ())


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", list(commands()), ids=lambda path: " ".join(path) or "root")
def test_help_describes_the_command_and_each_option(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    command = get_command(app)
    for name in path:
        assert isinstance(command, TyperGroup)
        command = command.commands[name]
    assert run([*path, "--help"]) == 0
    shown = words(capsys.readouterr().out)
    assert command.help, f"{path} has no description"
    assert words(command.help) in shown
    for option in command.params:
        assert isinstance(option, TyperOption)
        assert option.help, f"{path} {option.opts} has no description"
        assert all(name in shown for name in option.opts)
        assert words(option.help) in shown
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            assert sub.help
            assert words(sub.help.split("\n\n")[0]) in shown


def test_version_prints_the_installed_version(cli_env: dict[str, str]) -> None:
    result = aetherflow(cli_env, "--version")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"aetherflow {version('aetherflow')}\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([], "aetherflow: Missing command."),
        (["dlq"], "aetherflow: dlq: Missing command."),
        (
            ["keys", "rotate"],
            "aetherflow: keys: invalid choice: 'rotate' (choose from create, list, revoke)",
        ),
        (["migrate", "now"], "aetherflow: migrate: Got unexpected extra argument(s) (now)"),
        (["tenants", "list", "--all"], "aetherflow: tenants list: No such option: --all"),
    ],
)
def test_usage_errors_are_one_line_with_the_command(
    args: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"{line}\n")
