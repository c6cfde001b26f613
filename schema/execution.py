"""Leaf fields read from their object, completed without graphql-core's per-field machinery.

A list page is mostly leaves (20 nodes of 5 fields each): for each, graphql-core builds the
resolve info and the field nodes, calls Strawberry's resolver for an attribute read, then walks
`complete_value`. A Strawberry basic field (no resolver, no field extension, no middleware
wrapping it) of a scalar or enum type, asked without arguments, needs only the attribute and its
output coercion. Anything else, and any value that would be an error (null for a non-null field,
an exception, a failed coercion), goes the usual way, so that errors are graphql-core's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_USUAL_WAY = object()

BasicLeaf = tuple[Callable[..., Any], GraphQLScalarType | GraphQLEnumType, bool]


class LeafFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        node = field_details_list[0].node
        field = None if node.arguments else self.schema.get_field(parent_type, node.name.value)
        leaf = self._basic_leaf(field) if field is not None else None
        if leaf is not None:
            value = self._completed(source, *leaf)
            if value is not _USUAL_WAY:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _basic_leaf(self, field: GraphQLField) -> BasicLeaf | None:
        """The resolver, leaf type and nullability of a basic leaf field; None otherwise."""
        resolve = field.resolve
        if resolve is not None and self.middleware_manager:
            resolve = self.middleware_manager.get_field_resolver(resolve)
        # Strawberry marks the resolver of a basic field: an attribute read, info unused.
        if resolve is None or not getattr(resolve, "_is_default", False):
            return None
        nullable = not isinstance(field.type, GraphQLNonNull)
        leaf_type = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if not isinstance(leaf_type, GraphQLScalarType | GraphQLEnumType):
            return None
        return resolve, leaf_type, nullable

    def _completed(
        self,
        source: Any,
        resolve: Callable[..., Any],
        leaf_type: GraphQLScalarType | GraphQLEnumType,
        nullable: bool,
    ) -> Any:
        try:
            value = resolve(source, None)
            if value is None or value is Undefined:
                return None if nullable else _USUAL_WAY
            if isinstance(value, Exception) or self.is_awaitable(value):
                return _USUAL_WAY
            coerced = leaf_type.coerce_output_value(value)
        except Exception:
            return _USUAL_WAY
        return _USUAL_WAY if coerced is None or coerced is Undefined else coerced
