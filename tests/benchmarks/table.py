"""The bench's result table: one line per figure, product beside its baseline of the same run."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from enum import Enum


class Better(Enum):
    HIGHER = "≥"
    LOWER = "≤"


@dataclass(frozen=True)
class Target:
    """What a figure must reach: a ratio to its baseline, or a bound on the product's value."""

    limit: float
    better: Better
    of_ratio: bool = True
    label: str = ""  # printed instead of the bound, when the target says more

    def met(self, value: float) -> bool:
        return value >= self.limit if self.better is Better.HIGHER else value <= self.limit

    def __str__(self) -> str:
        if self.label:
            return self.label
        return f"{self.better.value} {self.limit:g}{'×' if self.of_ratio else ''}"


@dataclass(frozen=True)
class Row:
    figure: str
    unit: str
    product: float | None
    baseline: float | None = None
    target: Target | None = None
    note: str = ""
    holds: bool = True  # the target's other conditions, checked by the row's maker

    @property
    def ratio(self) -> float | None:
        if self.product is None or not self.baseline:
            return None
        return self.product / self.baseline

    @property
    def meets(self) -> bool | None:
        if self.target is None:
            return None
        value = self.ratio if self.target.of_ratio else self.product
        return value is not None and self.target.met(value) and self.holds


def number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


HEADER = ("figure", "unit", "product", "baseline", "ratio", "target", "meets")


def cells(row: Row) -> tuple[str, ...]:
    verdict = {None: "", True: "yes", False: "NO"}[row.meets]
    ratio = "—" if row.ratio is None else f"{row.ratio:.3g}×"
    return (
        row.figure,
        row.unit,
        number(row.product),
        number(row.baseline),
        ratio,
        str(row.target) if row.target else "—",
        verdict,
    )


def render(rows: list[Row]) -> str:
    """A tab-separated table (header first), each line's note after a `#`."""
    lines = ["\t".join(HEADER)]
    for row in rows:
        lines.append("\t".join(cells(row)) + (f"\t# {row.note}" if row.note else ""))
    return "\n".join(lines)


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def say(message: str) -> None:
    """Progress, to stderr (the table goes to stdout)."""
    print(f"# {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)  # noqa: T201
