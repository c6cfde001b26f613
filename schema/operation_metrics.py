"""Requests, errors and duration of GraphQL operations, by operation name.

Names come from clients, so only bounded ones become labels: the operation names of trusted
documents and of documents this server stored as persisted queries, at most MAX_LABELS of them
(the first admitted keep their label). Every other operation is counted as `anonymous`.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Histogram

from app.core import metrics

ANONYMOUS = "anonymous"
MAX_LABELS = 100
MAX_NAME_CHARS = 100

_Series = tuple[Counter, Counter, Histogram]


class OperationLabels:
    def __init__(self, trusted_names: Iterable[str]) -> None:
        self._names: set[str] = set()
        # Each label's series, looked up once (prometheus-client's `labels` takes a lock).
        self._series: dict[str, _Series] = {}
        self.admit(trusted_names)
        self._series_of(ANONYMOUS)

    def admit(self, names: Iterable[str]) -> None:
        """Let these names (of a trusted or a stored document) label their operations."""
        for name in names:
            if name in self._names:
                continue
            if len(self._names) >= MAX_LABELS:
                return
            if len(name) <= MAX_NAME_CHARS:
                self._names.add(name)

    def label(self, name: str | None, *, persisted: bool) -> str:
        if persisted and name is not None and name in self._names:
            return name
        return ANONYMOUS

    def observe(self, label: str, *, errors: bool, seconds: float) -> None:
        requests, failures, duration = self._series_of(label)
        requests.inc()
        if errors:
            failures.inc()
        duration.observe(seconds)

    def _series_of(self, label: str) -> _Series:
        series = self._series.get(label)
        if series is None:
            series = self._series[label] = (
                metrics.graphql_operations.labels(operation=label),
                metrics.graphql_operation_errors.labels(operation=label),
                metrics.graphql_operation_duration.labels(operation=label),
            )
        return series
