"""The cost rules (schema/cost.py, docs/GRAPHQL-PERSISTED.md "Cost") on representative documents:
the API's own schema, and a small schema with nested connections, interfaces and unions."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, parse
from graphql import build_schema as build_sdl

from app.core.config import Settings
from schema.app import build_schema
from schema.cost import shape_of

NESTED = build_sdl("""
interface Node { id: ID! }
type Query {
  teams(first: Int, last: Int): TeamConnection!
  node(id: ID!): Node
  tags: [String!]!
  search: [Result!]!
}
type Team implements Node { id: ID! name: String! members(first: Int): MemberConnection! }
type Member implements Node { id: ID! name: String! roles: [String!]! }
type TeamConnection { edges: [TeamEdge!]! nodes: [Team!]! pageInfo: PageInfo! }
type TeamEdge { cursor: String! node: Team! }
type MemberConnection { edges: [MemberEdge!]! pageInfo: PageInfo! }
type MemberEdge { node: Member! }
type PageInfo { hasNextPage: Boolean! }
union Result = Team | Member
""")


def cost(schema: GraphQLSchema, document: str, variables: dict[str, Any] | None = None) -> int:
    parsed = parse(document)
    [operation] = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    return shape_of(schema, parsed, operation, remember=False).cost(variables)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # Each field costs 1.
        ('{ node(id: "x") { id } }', 2),
        # A connection: first * (edges 1 + node 1 + name 1) + 1; its edges are not priced again.
        ("{ teams(first: 10) { edges { node { name } } } }", 10 * 3 + 1),
        # `last` counts as `first`; the larger of the two when both are given.
        ("{ teams(last: 5) { nodes { id } } }", 5 * 2 + 1),
        ("{ teams(first: 2, last: 7) { nodes { id } } }", 7 * 2 + 1),
        # No size: 20.
        ("{ teams { pageInfo { hasNextPage } } }", 20 * 2 + 1),
        # Nested connections multiply: 10 * (edges + node + members(3 * 3 + 1)) + 1.
        (
            "{ teams(first: 10) { edges { node { members(first: 3) "
            "{ edges { node { name } } } } } } }",
            10 * (1 + 1 + (3 * (1 + 1 + 1) + 1)) + 1,
        ),
        # A plain list: 20 * its selection (none for scalars) + 1.
        ("{ tags }", 1),
        ("{ search { ... on Team { name } ... on Member { name roles } } }", 20 * 3 + 1),
        # Introspection costs nothing, whatever it selects.
        ("{ __typename }", 0),
        ("{ __schema { types { name fields { name } } } }", 0),
        ('{ __type(name: "Team") { name } node(id: "x") { __typename id } }', 2),
        # Fragments count where they are spread (each spread counts).
        (
            "query { teams(first: 4) { edges { node { ...T } } } } fragment T on Team { id name }",
            4 * 4 + 1,
        ),
        (
            '{ a: node(id: "x") { ...N } b: node(id: "y") { ...N } } fragment N on Node { id }',
            4,
        ),
        # Every type's fragment counts (a list of scalars costs 1: 20 * nothing, + 1).
        ('{ node(id: "x") { id ... on Team { name } ... on Member { roles } } }', 4),
    ],
)
def test_the_cost_of_a_document(document: str, expected: int) -> None:
    assert cost(NESTED, document) == expected


def test_sizes_are_read_from_the_variables() -> None:
    document = (
        "query Q($n: Int!, $m: Int = 4) { teams(first: $n) { edges { node "
        "{ members(first: $m) { edges { node { id } } } } } } }"
    )
    # n * (edges + node + members(m * 3 + 1)) + 1
    assert cost(NESTED, document, {"n": 10}) == 10 * (2 + 4 * 3 + 1) + 1
    assert cost(NESTED, document, {"n": 10, "m": 1}) == 10 * (2 + 1 * 3 + 1) + 1
    assert cost(NESTED, document, {"n": 0}) == 1
    # Not an integer: the variables' coercion refuses the request; the default prices it.
    assert cost(NESTED, document, {"n": "x"}) == 20 * (2 + 4 * 3 + 1) + 1


def test_a_cached_documents_shape_is_worked_out_once() -> None:
    parsed = parse("query Q($n: Int) { teams(first: $n) { nodes { id } } }")
    [operation] = parsed.definitions
    assert isinstance(operation, OperationDefinitionNode)
    shape = shape_of(NESTED, parsed, operation)
    assert shape_of(NESTED, parsed, operation) is shape
    assert [shape.cost({"n": n}) for n in (1, 50)] == [3, 101]


def test_the_api_schemas_list_page(settings: Settings) -> None:
    schema = build_schema(settings)._schema
    page = (
        "query Page($first: Int!) { reports(first: $first) { edges { cursor node "
        "{ slug title } } pageInfo { hasNextPage endCursor } } }"
    )
    # first * (edges, cursor, node, slug, title, pageInfo, hasNextPage, endCursor) + 1
    assert cost(schema, page, {"first": 20}) == 20 * 8 + 1
    # `reports` without `first`: the schema's default (20).
    assert cost(schema, "{ reports { edges { node { slug } } } }") == 20 * 3 + 1
    assert cost(schema, "{ webhookEndpoints { id eventTypes } }") == 20 * (1 + 1) + 1
    assert cost(schema, "{ latestReport { slug } }") == 2
