"""Base classes for the edge models: camelCase JSON, strict inputs."""

from __future__ import annotations

import json
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from app.core.pagination import Page


class InputModel(BaseModel):
    """A request body: camelCase names, unknown fields rejected."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class OutputModel(BaseModel):
    """A response representation, serialised by alias (camelCase)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        serialize_by_alias=True,
        # Its JSON schema is the one of what is sent, wherever it appears (a webhook body too).
        json_schema_mode_override="serialization",
    )


class PageOut(OutputModel):
    """A page of a list (CONTRACT.md §1); each subclass declares `data` and `next_cursor`."""

    @classmethod
    def of(cls, page: Page[Any]) -> Self:
        return cls.model_validate({"data": page.items, "next_cursor": page.next_cursor})


def finite_json(value: Any, **dumps_options: Any) -> str:
    """`value` as JSON text; GraphQL literals can carry numbers JSON cannot (`1e400` is
    infinity), and those are refused."""
    try:
        return json.dumps(value, allow_nan=False, **dumps_options)
    except ValueError:
        raise ValueError("numbers must be finite") from None


def _finite_numbers(value: dict[str, Any]) -> dict[str, Any]:
    finite_json(value)
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_finite_numbers)]
"""A free-form JSON object from a client, storable as jsonb."""
