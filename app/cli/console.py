"""What commands print: results on stdout (a table or sentence, or one JSON object with
`--json`), problems and progress on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer

PROG = "aetherflow"


def emit(as_json: bool, document: dict[str, Any], text: str) -> None:
    typer.echo(json.dumps(document) if as_json else text)


def table(columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[str]]) -> str:
    """A header and one line per row; each column (title, width) is padded to its width
    (0 for the last: no padding)."""
    return "\n".join(
        "".join(f"{cell:<{width}}" for cell, (_, width) in zip(cells, columns, strict=True))
        for cells in [[title for title, _ in columns], *rows]
    )


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A callback advancing a bar of `total` steps drawn on stderr, or doing nothing when
    stderr is not a terminal (stdout may carry the JSON result: it never gets the bar)."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    with typer.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield bar.update


def fail(message: str, status: int) -> int:
    typer.echo(f"{PROG}: {message}", err=True)
    return status


def warn(message: str) -> None:
    typer.echo(f"{PROG}: warning: {message}", err=True)
