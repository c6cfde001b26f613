"""The plain-fields executor answers exactly as graphql-core's own, errors included."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig

from schema.execution import PlainFieldsExecutor
from schema.scalars import DateTime


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"


class Broken:
    @property
    def title(self) -> str:
        raise RuntimeError("the attribute failed")


@strawberry.type
class Item:
    id: strawberry.ID
    title: str
    count: int
    colour: Colour
    note: str | None
    content: JSON
    at: datetime

    @strawberry.field
    def shout(self, info: strawberry.Info) -> str:
        return f"{self.title.upper()} via {info.field_name}"


def item(**changes: Any) -> Any:
    values: dict[str, Any] = {
        "id": uuid.UUID(int=7),
        "title": "first",
        "count": 3,
        "colour": Colour.RED,
        "note": None,
        "content": {"k": [1, 2.5, None], "deep": {"x": "y"}},
        "at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    }
    return Item(**{**values, **changes})


@strawberry.type
class Query:
    @strawberry.field
    async def items(self, info: strawberry.Info) -> list[Item]:
        items: list[Item] = info.context
        return items


def schemas() -> list[strawberry.Schema]:
    config = StrawberryConfig(scalar_map={datetime: DateTime})
    return [
        strawberry.Schema(Query, config=config),
        strawberry.Schema(Query, config=config, execution_context_class=PlainFieldsExecutor),
    ]


async def answers(document: str, items: list[Any]) -> list[tuple[Any, Any]]:
    results = [await schema.execute(document, context_value=items) for schema in schemas()]
    return [(result.data, [error.formatted for error in result.errors or []]) for result in results]


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([item(), item(title="second", note="n")], id="plain values"),
        pytest.param([item(title=None)], id="null for a non-null field"),
        pytest.param([item(count="three")], id="a value its scalar refuses"),
        pytest.param([item(colour="mauve")], id="a value its enum refuses"),
        pytest.param([item(), Broken()], id="an attribute that raises"),
        pytest.param([item(note=ValueError("returned, not raised"))], id="an exception value"),
    ],
)
async def test_the_same_answer_as_graphql_core(items: list[Any]) -> None:
    document = """
      query ($no: Boolean = false) {
        items {
          id title count colour note content at shout
          again: title
          skipped: count @skip(if: true)
          included: note @include(if: $no)
        }
      }
    """
    usual, leaf = await answers(document, items)
    assert leaf == usual
    assert usual[0] is not None or usual[1]
