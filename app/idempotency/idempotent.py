"""What a face hands the idempotency store: one builder for REST requests and GraphQL mutations.

Both faces build it the same way, from the `Idempotency-Key` text and the request's input as
parsed JSON (before model validation), and before they validate: a malformed key is answered
(400) ahead of invalid input (422), as the contract orders them.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.idempotency.header import parse_idempotency_key
from app.idempotency.service import (
    IdempotentRequest,
    Outcome,
    StoredResponse,
    execute,
    fingerprint,
)
from db.session import Database, WriteTarget

Effect = Callable[[AsyncSession], Awaitable[StoredResponse]]
# An effect done in one statement: given the database, it commits on its own.
StatementEffect = Callable[[WriteTarget], Awaitable[StoredResponse]]


@dataclass(frozen=True)
class Idempotent:
    """One request's way through the store; `request` is None when it carries no key."""

    db: Database
    ttl_seconds: int
    request: IdempotentRequest | None

    @classmethod
    def build(
        cls,
        db: Database,
        *,
        ttl_seconds: int,
        tenant_id: uuid.UUID,
        key_text: str | None,
        method: str,
        target: str,
        document: Any,
    ) -> Idempotent:
        """Parse the key (InvalidIdempotencyKey) and fingerprint `method`, `target` and the
        input `document`, a JSON value."""
        key = parse_idempotency_key(key_text)
        request = (
            IdempotentRequest(tenant_id, key, fingerprint(method, target, document))
            if key is not None
            else None
        )
        return cls(db, ttl_seconds, request)

    @property
    def key(self) -> str | None:
        """The request's idempotency key (unquoted), None without one."""
        return self.request.key if self.request is not None else None

    async def run(self, effect: Effect) -> Outcome:
        """The effect's response, run in one transaction with its storing; or the stored one."""
        return await execute(self.db, self.request, effect, ttl_seconds=self.ttl_seconds)

    async def run_statement(self, effect: StatementEffect) -> Outcome:
        """As `run`, for an effect that writes in one statement: without a key it is given the
        database and runs alone, with no transaction around it (no BEGIN or COMMIT); with a
        key, in the transaction that reserves the key and stores its response."""
        if self.request is None:
            return Outcome(await effect(self.db), replayed=False)
        return await self.run(effect)
