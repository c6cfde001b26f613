"""GraphQL inputs validated through the same Pydantic models as REST, so each rule lives once;
idempotency keys through the same store and rules as the REST header."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from strawberry.types.base import has_object_definition

from app.core.errors import ValidationFailed
from app.http.validation import validate
from app.idempotency.idempotent import Effect, Idempotent
from app.idempotency.service import Outcome
from schema.context import Context

Model = TypeVar("Model", bound=BaseModel)

# The `idempotencyKey` argument of every mutation (CONTRACT.md §4).
IDEMPOTENCY_KEY = strawberry.argument(
    description="Runs the mutation once per key: a repeat with the same input replays the "
    "first answer (`extensions.idempotentReplayed`), with other input it is "
    "`idempotency_key_reused`. 1 to 255 printable ASCII characters; the REST "
    "`Idempotency-Key` store and rules."
)


def camel_dict(value: Any) -> Any:
    """A Strawberry input as the camelCase JSON the REST body would carry (unset fields out)."""
    if isinstance(value, list):
        return [camel_dict(item) for item in value]
    # Enum members carry their class's definition too; only input objects are converted.
    if has_object_definition(value):
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


def idempotent_mutation(
    context: Context, *, operation: str, document: Any, idempotency_key: str | None
) -> Idempotent:
    """A mutation's idempotency, from its input as JSON (`camel_dict`); built before the input
    is validated, so a malformed key is the error a mutation answers first."""
    principal = context.principal
    assert principal is not None
    runtime = context.runtime
    return Idempotent.build(
        runtime.db,
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        tenant_id=principal.tenant_id,
        key_text=idempotency_key,
        method="GRAPHQL",
        target=operation,
        document=document,
    )


async def run_idempotent(idempotent: Idempotent, effect: Effect) -> dict[str, Any]:
    """Run a mutation's effect once per key; the stored JSON document, first time or replay."""
    return stored_document(await idempotent.run(effect))


def stored_document(outcome: Outcome) -> dict[str, Any]:
    """The JSON document a mutation's effect stored, first time or replay."""
    document: dict[str, Any] = json.loads(outcome.response.body)
    return document
