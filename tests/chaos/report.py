"""How a scenario reports: figures on `key: value` lines and bounds that pass or fail.

Every line a scenario prints starts with its name (`[events] ...`), so a run's output can be
grepped per scenario; bounds print as `[events] bound <name>: ok|FAILED (<detail>)`.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field


def say(text: str) -> None:
    """Print one line at once (the run is watched live; stdout may be a pipe)."""
    print(text, flush=True)  # noqa: T201


def seconds(values: Sequence[float | None]) -> str:
    """`[3.1, 2.8, -]`: one decimal, `-` for a value that was never measured."""
    return "[" + ", ".join("-" if value is None else f"{value:.1f}" for value in values) + "]"


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def milliseconds(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


@dataclass(frozen=True)
class Bound:
    name: str
    ok: bool
    detail: str


@dataclass
class Summary:
    """What one scenario found: figures as it goes, bounds checked, a verdict."""

    scenario: str
    bounds: list[Bound] = field(default_factory=list)

    def line(self, text: str) -> None:
        say(f"[{self.scenario}] {text}")

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.bounds.append(Bound(name, ok, detail))
        self.line(f"bound {name}: {'ok' if ok else 'FAILED'} ({detail})")
        return ok

    def fail(self, name: str, detail: str) -> None:
        """A bound that could not even be measured (a process died, a step timed out)."""
        self.check(name, False, detail)

    @property
    def failed(self) -> list[Bound]:
        return [bound for bound in self.bounds if not bound.ok]

    @property
    def passed(self) -> bool:
        return bool(self.bounds) and not self.failed


def warn(text: str) -> None:
    print(text, file=sys.stderr, flush=True)  # noqa: T201
