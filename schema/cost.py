"""What a GraphQL operation costs, in points, before it runs (docs/GRAPHQL-PERSISTED.md, "Cost").

Each field costs 1; a list or connection field costs its `first`/`last` argument (20 when it
has none) times the cost of its selection, plus 1; the lists a connection holds (its `edges`,
its `nodes`) are priced by the connection, not again. Introspection fields (`__schema`,
`__type`, `__typename`) and what they select cost nothing. Fragments and inline fragments count
where they are spread.

An operation's shape is worked out once per cached document (`shape_of`); what depends on the
request is only the `first`/`last` values read from its variables, so a document without them
costs a constant and one with them a short walk over its list fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

DEFAULT_PAGE_SIZE = 20
PAGE_ARGUMENTS = ("first", "last")
CONNECTION_SUFFIX = "Connection"
# Shapes of cached documents: at most this many, then the memo starts again.
MAX_SHAPES = 256


@dataclass(frozen=True)
class Size:
    """How many items a list field asks for: a literal, or a variable (with its default)."""

    literal: int | None
    variable: str | None
    default: int

    def value(self, variables: Mapping[str, Any]) -> int:
        if self.variable is None:
            return self.default if self.literal is None else self.literal
        given = variables.get(self.variable)
        # A value of another type fails the variables' coercion before anything runs.
        if isinstance(given, int) and not isinstance(given, bool):
            return max(0, given)
        return self.default


@dataclass(frozen=True)
class ListField:
    """A list field whose size comes from the request's variables: `sizes` (the largest
    counts) times the cost of `inner`, plus 1."""

    sizes: tuple[Size, ...]
    inner: Shape


@dataclass(frozen=True)
class Shape:
    """A selection's cost: `fixed` points, plus the cost of each variable-sized list field."""

    fixed: int
    lists: tuple[ListField, ...] = ()

    def cost(self, variables: Mapping[str, Any] | None) -> int:
        if not self.lists:
            return self.fixed
        given = variables or {}
        total = self.fixed
        for field in self.lists:
            size = max(s.value(given) for s in field.sizes)
            total += size * field.inner.cost(given) + 1
        return total


def shape_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    *,
    remember: bool = True,
) -> Shape:
    """The operation's shape, memoised for a document the document cache keeps (`remember`:
    the same nodes come back for each request of it)."""
    if not remember:
        return _Walk(schema, document, operation).shape()
    key = id(operation)
    found = _SHAPES.get(key)
    if found is not None and found[0] is operation and found[1] is schema:
        return found[2]
    shape = _Walk(schema, document, operation).shape()
    if len(_SHAPES) >= MAX_SHAPES:
        _SHAPES.clear()
    # The operation and schema stay alive with their shape, so that the id is not reused.
    _SHAPES[key] = (operation, schema, shape)
    return shape


_SHAPES: dict[int, tuple[OperationDefinitionNode, GraphQLSchema, Shape]] = {}

_Parent = GraphQLObjectType | GraphQLInterfaceType | None


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self.defaults: dict[str, int] = {}
        for definition in operation.variable_definitions or ():
            default = definition.default_value
            if isinstance(default, IntValueNode):
                self.defaults[definition.variable.name.value] = int(default.value)

    def shape(self) -> Shape:
        root = self.schema.get_root_type(self.operation.operation)
        return self.selection(self.operation.selection_set, root, in_connection=False, seen=())

    def selection(
        self,
        selection_set: SelectionSetNode | None,
        parent: _Parent,
        *,
        in_connection: bool,
        seen: tuple[str, ...],
    ) -> Shape:
        fixed = 0
        lists: list[ListField] = []
        for node in selection_set.selections if selection_set else ():
            part: Shape
            if isinstance(node, FieldNode):
                part = self.field(node, parent, in_connection=in_connection, seen=seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.type_named(condition.name.value) if condition else parent
                part = self.selection(
                    node.selection_set, inner, in_connection=in_connection, seen=seen
                )
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # validation refuses both
                    continue
                part = self.selection(
                    fragment.selection_set,
                    self.type_named(fragment.type_condition.name.value),
                    in_connection=in_connection,
                    seen=(*seen, name),
                )
            else:
                continue
            fixed += part.fixed
            lists.extend(part.lists)
        return Shape(fixed, tuple(lists))

    def field(
        self, node: FieldNode, parent: _Parent, *, in_connection: bool, seen: tuple[str, ...]
    ) -> Shape:
        if node.name.value.startswith("__"):
            return Shape(0)
        definition: GraphQLField | None = (
            parent.fields.get(node.name.value) if parent is not None else None
        )
        field_type = get_nullable_type(definition.type) if definition else None
        named = get_named_type(field_type) if field_type is not None else None
        child = named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else None
        is_connection = child is not None and child.name.endswith(CONNECTION_SUFFIX)
        inner = self.selection(node.selection_set, child, in_connection=is_connection, seen=seen)
        is_list = isinstance(field_type, GraphQLList)
        if not (is_connection or (is_list and not in_connection)):
            return Shape(1 + inner.fixed, inner.lists)
        sizes = self.sizes(node, definition)
        if all(size.variable is None for size in sizes) and not inner.lists:
            count = max(size.value({}) for size in sizes)
            return Shape(count * inner.fixed + 1)
        return Shape(0, (ListField(sizes, inner),))

    def sizes(self, node: FieldNode, definition: GraphQLField | None) -> tuple[Size, ...]:
        """The `first`/`last` the field was given (the larger counts); without them, the
        field's own default for `first`, or DEFAULT_PAGE_SIZE."""
        default = DEFAULT_PAGE_SIZE
        argument_definition = definition.args.get("first") if definition else None
        if argument_definition is not None:
            value = argument_definition.default_value
            if isinstance(value, int) and not isinstance(value, bool):
                default = max(0, value)
        sizes: list[Size] = []
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                sizes.append(Size(max(0, int(value.value)), None, default))
            elif isinstance(value, VariableNode):
                name = value.name.value
                sizes.append(Size(None, name, self.defaults.get(name, default)))
            else:  # null: the field's default
                sizes.append(Size(None, None, default))
        return tuple(sizes) or (Size(None, None, default),)

    def type_named(self, name: str) -> _Parent:
        found = self.schema.get_type(name)
        return found if isinstance(found, GraphQLObjectType | GraphQLInterfaceType) else None
