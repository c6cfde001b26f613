"""Webhook mutation inputs as the REST bodies they mirror: the same JSON, the same models, the
same URL check; error paths named from the GraphQL `input` argument."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from app.core.config import Settings
from app.core.errors import ValidationFailed
from app.core.ids import parse_id
from app.webhooks import service as webhooks
from app.webhooks.ssrf import CheckedUrl
from schema.inputs import validated

Model = TypeVar("Model", bound=BaseModel)
INPUT = "input"


def canonical_id(value: str) -> str:
    """An id as fingerprinted: a UUID in its canonical form (any letter case names the same
    resource, as on REST), anything else as given."""
    parsed = parse_id(value)
    return str(parsed) if parsed is not None else value


def given_fields(value: object) -> dict[str, Any]:
    """An input whose fields may be left out, as the REST PATCH body: the fields given, by
    their camelCase names, explicit nulls kept."""
    return {to_camel(name): item for name, item in strawberry.asdict(value).items()}


def validated_input(model: type[Model], document: dict[str, Any]) -> Model:
    """`document` validated as the REST body; problems at `input.<field>`."""
    names = [to_camel(name) for name in model.model_fields]
    return validated(model, document, rename={"": INPUT} | {n: f"{INPUT}.{n}" for n in names})


async def checked_url(url: str, settings: Settings) -> CheckedUrl:
    """The URL checked as REST checks it (it resolves the host: call it before any
    transaction), its refusal at `input.url`."""
    try:
        return await webhooks.check_url(url, settings)
    except ValidationFailed as error:
        if isinstance(error.details, list):
            for detail in error.details:
                detail["path"] = f"{INPUT}.{detail['path']}"
        raise
