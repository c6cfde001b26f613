"""Plain objects (edges, nodes, lists of them) completed by the plain-fields executor answer
exactly as graphql-core's own, errors included, at every depth."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from app.reports.rows import ReportRow
from schema import execution
from schema.document_cache import CACHEABLE_DOCUMENT_CHARS, CachedDocuments, DocumentLimits
from schema.execution import PlainFieldsExecutor
from schema.scalars import DateTime
from schema.types import Report


@strawberry.type
class Tag:
    name: str


@strawberry.type
class Item:
    title: str
    at: datetime
    tags: list[Tag]
    best: Tag | None


@strawberry.type
class Edge:
    node: Item
    spare: Item | None


@strawberry.type
class Connection:
    edges: list[Edge]
    counts: list[int | None]


@strawberry.type
class Query:
    @strawberry.field
    def connection(self, info: strawberry.Info) -> Connection:
        made: Connection = info.context
        return made

    @strawberry.field
    def report(self, info: strawberry.Info) -> Report | None:
        found: Report | None = info.context
        return found


AT = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


def node(**changes: Any) -> Any:
    values: dict[str, Any] = {"title": "t", "at": AT, "tags": [Tag(name="a")], "best": None}
    return Item(**{**values, **changes})


def connection(*edges: Any, counts: Any = (1, None)) -> Any:
    return Connection(edges=list(edges), counts=counts)


def tags() -> Iterator[Tag]:
    yield Tag(name="from a generator")


def schemas() -> list[strawberry.Schema]:
    config = StrawberryConfig(scalar_map={datetime: DateTime})
    return [
        strawberry.Schema(Query, config=config),
        strawberry.Schema(Query, config=config, execution_context_class=PlainFieldsExecutor),
    ]


async def answers(document: str, context: Callable[[], Any]) -> list[tuple[Any, Any]]:
    """Each schema's answer, from a context of its own (a generator is read once)."""
    results = [await schema.execute(document, context_value=context()) for schema in schemas()]
    return [(result.data, [error.formatted for error in result.errors or []]) for result in results]


DOCUMENT = """
  query ($no: Boolean = false) {
    connection {
      counts
      edges {
        node { title at tags { name } best { name } again: title }
        spare { title tags { name } }
        hidden: spare @include(if: $no) { title }
      }
    }
  }
"""


@pytest.mark.parametrize(
    "context",
    [
        pytest.param(
            lambda: connection(
                Edge(node=node(), spare=None),
                Edge(node=node(best=Tag(name="b")), spare=node(title="s")),
            ),
            id="plain values",
        ),
        pytest.param(connection, id="no edges"),
        pytest.param(
            lambda: connection(Edge(node=None, spare=None)),  # type: ignore[arg-type]
            id="null for a non-null object",
        ),
        pytest.param(
            lambda: connection(Edge(node=Tag(name="x"), spare=None)),  # type: ignore[arg-type]
            id="an object of another type",
        ),
        pytest.param(
            lambda: connection(Edge(node=node(tags=tags()), spare=None)), id="a list as a generator"
        ),
        pytest.param(
            lambda: connection(Edge(node=node(tags=(Tag(name="t"),)), spare=None)), id="a tuple"
        ),
        pytest.param(
            lambda: connection(Edge(node=node(tags=[None]), spare=None)), id="a null list item"
        ),
        pytest.param(
            lambda: connection(Edge(node=node(), spare=node(title=None))), id="null deep down"
        ),
        pytest.param(lambda: connection(counts=[1, "two"]), id="a list item its scalar refuses"),
        pytest.param(lambda: connection(counts=7), id="a list that is a number"),
        pytest.param(
            lambda: connection(Edge(node=node(at="noon"), spare=None)), id="a bad timestamp"
        ),
        pytest.param(
            lambda: connection(Edge(node=node(tags=ValueError("no")), spare=None)),
            id="an error value",
        ),
    ],
)
async def test_the_same_answer_as_graphql_core(context: Callable[[], Any]) -> None:
    usual, plain = await answers(DOCUMENT, context)
    assert plain == usual


async def test_report_nodes_as_graphql_core() -> None:
    row = ReportRow(
        id=uuid.UUID(int=7),
        slug="s",
        title="t",
        summary=None,
        content={"k": [1, {"x": None}]},
        published_at=None,
        created_at=AT,
        updated_at=AT,
    )
    report = Report.of(row)
    document = "{ report { id slug title summary content publishedAt createdAt updatedAt } }"
    usual, plain = await answers(document, lambda: report)
    assert plain == usual
    assert plain[0] == {
        "report": {
            "id": "00000000-0000-0000-0000-000000000007",
            "slug": "s",
            "title": "t",
            "summary": None,
            "content": {"k": [1, {"x": None}]},
            "publishedAt": None,
            "createdAt": "2026-01-02T03:04:05.678Z",
            "updatedAt": "2026-01-02T03:04:05.678Z",
        }
    }


async def test_requests_of_one_document_share_its_plan() -> None:
    """With the document cache, each request of a document without variables reaches the plan
    the first one made; an unusual value later still gets graphql-core's answer."""
    config = StrawberryConfig(scalar_map={datetime: DateTime})
    usual = strawberry.Schema(Query, config=config)
    cached = strawberry.Schema(
        Query,
        config=config,
        execution_context_class=PlainFieldsExecutor,
        extensions=[lambda: CachedDocuments(DocumentLimits(max_tokens=1000, rules=()))],
    )
    document = "{ connection { counts edges { node { title at best { name } } } } }"
    contexts: list[Callable[[], Any]] = [
        lambda: connection(Edge(node=node(), spare=None)),
        lambda: connection(Edge(node=node(best=Tag(name="b")), spare=None)),
        lambda: connection(Edge(node=node(title=None), spare=None)),
        lambda: connection(counts=None),
    ]
    execution._SHARED_PLANS.clear()
    for context in contexts:
        expected = await usual.execute(document, context_value=context())
        answered = await cached.execute(document, context_value=context())
        assert answered.data == expected.data
        assert [e.formatted for e in answered.errors or []] == [
            e.formatted for e in expected.errors or []
        ]
    # One plan per object selection: the connection, the edge, the node and its tag.
    assert len(execution._SHARED_PLANS) == 4


async def test_documents_the_cache_would_not_keep_share_no_plan() -> None:
    """A plan keeps its document alive: a document longer than the cache takes is not kept."""
    schema = strawberry.Schema(Query, execution_context_class=PlainFieldsExecutor)
    padding = "#" + "x" * CACHEABLE_DOCUMENT_CHARS + "\n"
    execution._SHARED_PLANS.clear()
    result = await schema.execute(
        padding + "{ connection { counts } }", context_value=connection(counts=[1])
    )
    assert result.data == {"connection": {"counts": [1]}}
    assert not execution._SHARED_PLANS
