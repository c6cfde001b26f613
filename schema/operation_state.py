"""What one HTTP GraphQL operation carries from its transport to its execution: where its
document came from, what it was found to cost, and a quota refusal to answer with."""

from __future__ import annotations

from dataclasses import dataclass

from schema.persisted import Resolved


@dataclass
class OperationState:
    resolved: Resolved
    # The document's cost in points, once known (after validation, before execution).
    requested: int | None = None
    # The operation's name, once its document is known to be valid.
    name: str | None = None
    # A 429 met where it cannot be raised (inside Strawberry's extensions): raised afterwards.
    refusal: Exception | None = None
