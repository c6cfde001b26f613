"""Requests, errors and duration of GraphQL operations, by operation name.

Names come from clients, so only bounded ones become labels: the operation names of trusted
documents and of documents this server stored as persisted queries, at most MAX_LABELS of them
(the first seen keep their label). Every other operation is counted as `anonymous`.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core import metrics

ANONYMOUS = "anonymous"
MAX_LABELS = 100
MAX_NAME_CHARS = 100


class OperationLabels:
    def __init__(self, trusted_names: Iterable[str]) -> None:
        self._names: set[str] = set()
        self.admit(trusted_names)
        self.observe(ANONYMOUS, errors=False, seconds=None)

    def admit(self, names: Iterable[str]) -> None:
        """Let these names (of a trusted or a stored document) label their operations."""
        for name in names:
            if len(self._names) >= MAX_LABELS:
                return
            if len(name) <= MAX_NAME_CHARS:
                self._names.add(name)

    def label(self, name: str | None, *, persisted: bool) -> str:
        if persisted and name is not None and name in self._names:
            return name
        return ANONYMOUS

    @staticmethod
    def observe(label: str, *, errors: bool, seconds: float | None) -> None:
        """Count one operation (`seconds` None: only create the series, at zero)."""
        requests = metrics.graphql_operations.labels(operation=label)
        failures = metrics.graphql_operation_errors.labels(operation=label)
        duration = metrics.graphql_operation_duration.labels(operation=label)
        if seconds is None:
            return
        requests.inc()
        if errors:
            failures.inc()
        duration.observe(seconds)
