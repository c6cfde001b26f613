"""GraphQL inputs validated through the same Pydantic models as REST, so each rule lives once;
idempotency keys through the same store and rules as the REST header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.api.body import validate
from app.core.errors import ValidationFailed
from app.idempotency import service as idempotency
from app.idempotency.header import parse_idempotency_key
from app.idempotency.service import IdempotentRequest, StoredResponse, fingerprint
from app.rate_limit.enforce import refund_replay
from schema.context import Context

Model = TypeVar("Model", bound=BaseModel)


def camel_dict(value: Any) -> Any:
    """A Strawberry input as the camelCase JSON the REST body would carry (unset fields out)."""
    if isinstance(value, list):
        return [camel_dict(item) for item in value]
    if hasattr(value, "__strawberry_definition__"):
        return {
            to_camel(name): camel_dict(item)
            for name, item in strawberry.asdict(value).items()
            if item is not None
        }
    return value


def validated(model: type[Model], document: dict[str, Any], *, rename: dict[str, str]) -> Model:
    """Validate like REST; error paths are renamed to the GraphQL argument names."""
    try:
        return validate(model, document)
    except ValidationFailed as error:
        if isinstance(error.details, list):
            for detail in error.details:
                head, _, rest = detail["path"].partition(".")
                detail["path"] = ".".join(filter(None, [rename.get(head, head), rest]))
        raise


async def run_idempotent(
    context: Context,
    *,
    operation: str,
    arguments: Any,
    idempotency_key: str | None,
    effect: Callable[[AsyncSession], Awaitable[StoredResponse]],
) -> dict[str, Any]:
    """Run a mutation's effect once per key; the stored JSON document, first time or replay."""
    import json

    principal = context.principal
    assert principal is not None
    key = parse_idempotency_key(idempotency_key)
    request = (
        IdempotentRequest(principal.tenant_id, key, fingerprint("GRAPHQL", operation, arguments))
        if key is not None
        else None
    )
    runtime = context.runtime
    outcome = await idempotency.execute(
        runtime.db, request, effect, ttl_seconds=runtime.settings.idempotency_ttl_seconds
    )
    if outcome.replayed:
        context.idempotent_replayed = True
        if isinstance(context.request, HTTPConnection):
            await refund_replay(context.request)  # replays do not use quota
    document: dict[str, Any] = json.loads(outcome.response.body)
    return document
