"""Base classes for the edge models: camelCase JSON, strict inputs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


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
    )
