"""CONTRACT.md §15: every type, field, argument and enum value of the schema has a description
(GraphQL's introspection types excepted); the walker names each one that has none."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from app.core.config import Settings
from schema.app import build_schema


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Each type, field, argument, input field and enum value without a description, named
    `Type`, `Type.field`, `Type.field(argument:)`, `Enum.VALUE`; directives' arguments too."""
    missing: list[str] = []

    def arguments(owner: str, args: dict[str, GraphQLArgument]) -> None:
        missing.extend(f"{owner}({name}:)" for name, arg in args.items() if not arg.description)

    for name, named_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not named_type.description:
            missing.append(name)
        if isinstance(named_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                arguments(f"{name}.{field_name}", field.args)
        elif isinstance(named_type, GraphQLInputObjectType):
            missing.extend(
                f"{name}.{field_name}"
                for field_name, field in named_type.fields.items()
                if not field.description
            )
        elif isinstance(named_type, GraphQLEnumType):
            missing.extend(
                f"{name}.{value_name}"
                for value_name, value in named_type.values.items()
                if not value.description
            )
    for directive in schema.directives:
        arguments(f"@{directive.name}", directive.args)
    return missing


def test_every_type_field_argument_and_enum_value_has_a_description(settings: Settings) -> None:
    schema = build_schema(settings)
    missing = undescribed(schema._schema)
    assert missing == [], "\n".join(["No description:", *missing])


@strawberry.enum(description="Colours.")
class Colour(Enum):
    RED = strawberry.enum_value("red", description="Red.")
    BLUE = "blue"


@strawberry.input
class PaintFilter:
    colour: Colour | None = None


@strawberry.type(name="Query", description="Queries.")
class PaintQuery:
    @strawberry.field
    def paint(self, filter: PaintFilter | None = None) -> Colour:
        return Colour.RED


def test_the_walker_names_each_missing_description() -> None:
    """The check above can fail: a schema with one of each kind undescribed is caught."""
    assert sorted(undescribed(strawberry.Schema(PaintQuery)._schema)) == [
        "Colour.BLUE",
        "PaintFilter",
        "PaintFilter.colour",
        "Query.paint",
        "Query.paint(filter:)",
    ]
