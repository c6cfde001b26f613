"""Plain selections completed without graphql-core's per-field machinery.

A list page is mostly plain fields: a connection's `edges`, each edge's `node`, and 20 nodes of
5 leaves. For each field graphql-core builds a path, the resolve info and the field nodes, calls
Strawberry's resolver for an attribute read, then walks `complete_value`. A Strawberry basic
field (no resolver, no field extension, no middleware wrapping it), asked without arguments, of
a scalar, enum or object type (or a list of them) needs only the attribute and its completion.

An object whose selected fields are all plain is completed here, once its fields' plan is made
(once per request and selection). Anything unusual (null for a non-null field, an exception, an
awaitable, a value that fails its coercion or its type check, a value that is not a list where
a list is expected) drops the whole object back to graphql-core, which completes it again from
the start: reading attributes has no effect, so the answer, errors included, is graphql-core's
own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.document_cache import CACHEABLE_DOCUMENT_CHARS, DOCUMENT_CACHE_SIZE

_USUAL_WAY: Any = object()
# Types whose values are neither exceptions nor awaitable (exactly these, not subclasses).
_PLAIN_VALUES = frozenset({str, int, float, bool, dict, list, UUID, datetime})

# A value as its field returned it, completed; or _USUAL_WAY.
Completer = Callable[[Any], Any]
PlanKey = tuple[GraphQLObjectType, int]

# Plans of the documents served lately: the document cache keeps their nodes, so each request
# of the same document reaches the same entries. An entry keeps its document's nodes (and so
# its tokens) alive: only documents the cache would hold are shared, at most as many entries
# as it holds documents, which bounds the memory as the cache's own bound does.
SHARED_PLANS = DOCUMENT_CACHE_SIZE
_SHARED_PLANS: OrderedDict[tuple[int, ...], tuple[object, object, object, Completer | None]] = (
    OrderedDict()
)


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # None: the selection is not plain. The field lists are kept alive with their plan,
        # so that an id is not reused during the request (as graphql-core's own memo does).
        self._plans: dict[PlanKey, tuple[FieldDetailsList, Completer | None]] = {}

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        complete = self._fields_plan(return_type, field_details_list)
        if complete is not None:
            completed = complete(result)
            if completed is not _USUAL_WAY:
                return completed  # type: ignore[no-any-return]
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _fields_plan(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        """The completion of an object's selected fields, if all are plain (memoised)."""
        key = (return_type, id(field_details_list))
        planned = self._plans.get(key)
        if planned is None:
            # Guards a selection that would reach itself again while its plan is made.
            self._plans[key] = (field_details_list, None)
            planned = (
                field_details_list,
                self._shared_fields_plan(return_type, field_details_list),
            )
            self._plans[key] = planned
        return planned[1]

    def _shared_fields_plan(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        """A plan made for an earlier request of the same document, when nothing else decides
        what it selects (no variables, which directives may read; no middleware) and the
        document is one the document cache keeps."""
        middleware = self.middleware_manager.middlewares if self.middleware_manager else ()
        variables = self.variable_values.coerced or any(
            details.fragment_variable_values for details in field_details_list
        )
        location = self.operation.loc
        cached = location is not None and len(location.source.body) <= CACHEABLE_DOCUMENT_CHARS
        if variables or middleware or not cached:
            return self._make_fields_plan(return_type, field_details_list)
        nodes = tuple(details.node for details in field_details_list)
        key = (id(self.schema), id(return_type), *map(id, nodes))
        shared = _SHARED_PLANS.get(key)
        if shared is not None:
            _SHARED_PLANS.move_to_end(key)
            return shared[-1]
        plan = self._make_fields_plan(return_type, field_details_list)
        # The keyed objects stay alive with the plan, so that their ids are not reused.
        _SHARED_PLANS[key] = (self.schema, return_type, nodes, plan)
        if len(_SHARED_PLANS) > SHARED_PLANS:
            _SHARED_PLANS.popitem(last=False)
        return plan

    def _make_fields_plan(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            return_type, field_details_list
        )
        if new_defer_usages:
            return None
        fields: list[tuple[str, Callable[[Any], Any], Completer]] = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            if node.arguments:
                return None
            field = self.schema.get_field(return_type, node.name.value)
            read = self._plain_reader(field) if field is not None else None
            complete = self._value_plan(field.type, details) if field is not None else None
            if read is None or complete is None:
                return None
            fields.append((response_name, read, complete))

        def complete_fields(source: Any) -> Any:
            completed: dict[str, Any] = {}
            for response_name, read, complete in fields:
                try:
                    value = read(source)
                except Exception:
                    return _USUAL_WAY
                value = complete(value)
                if value is _USUAL_WAY:
                    return _USUAL_WAY
                completed[response_name] = value
            return completed

        return complete_fields

    def _value_plan(
        self, type_: GraphQLOutputType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        """The completion of a value of `type_`, as graphql-core's `complete_value` gives it
        when nothing goes wrong."""
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        complete_inner: Completer | None
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
            return self._leaf_plan(inner, nullable)
        if isinstance(inner, GraphQLObjectType):
            complete_inner = self._object_plan(inner, field_details_list)
        elif isinstance(inner, GraphQLList):
            complete_inner = self._list_plan(inner, field_details_list)
        else:
            return None  # interfaces and unions: their types are resolved the usual way
        if complete_inner is None:
            return None
        complete_present = complete_inner
        is_awaitable = self.is_awaitable

        def complete(value: Any) -> Any:
            if value is None or value is Undefined:
                return None if nullable else _USUAL_WAY
            if isinstance(value, Exception) or is_awaitable(value):
                return _USUAL_WAY
            return complete_present(value)

        return complete

    def _object_plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        complete_fields = self._fields_plan(object_type, field_details_list)
        if complete_fields is None:
            return None
        complete_plain = complete_fields
        is_type_of: Callable[[Any, Any], Any] | None = object_type.is_type_of

        def complete(value: Any) -> Any:
            if is_type_of is not None:
                try:
                    # Strawberry's checks read the value only, never the resolve info.
                    if is_type_of(value, None) is not True:
                        return _USUAL_WAY
                except Exception:
                    return _USUAL_WAY
            return complete_plain(value)

        return complete

    def _list_plan(
        self, list_type: GraphQLList[Any], field_details_list: FieldDetailsList
    ) -> Completer | None:
        complete_item = self._value_plan(list_type.of_type, field_details_list)
        if complete_item is None:
            return None
        complete_each = complete_item

        def complete(value: Any) -> Any:
            if not isinstance(value, list | tuple):
                return _USUAL_WAY
            completed = []
            for item in value:
                done = complete_each(item)
                if done is _USUAL_WAY:
                    return _USUAL_WAY
                completed.append(done)
            return completed

        return complete

    def _leaf_plan(
        self, leaf_type: GraphQLScalarType | GraphQLEnumType, nullable: bool
    ) -> Completer:
        """`_value_plan` of a scalar or enum, in one step."""
        coerce = leaf_type.coerce_output_value
        is_awaitable = self.is_awaitable

        def complete(value: Any) -> Any:
            if value is None or value is Undefined:
                return None if nullable else _USUAL_WAY
            if type(value) not in _PLAIN_VALUES and (
                isinstance(value, Exception) or is_awaitable(value)
            ):
                return _USUAL_WAY
            try:
                coerced = coerce(value)
            except Exception:
                return _USUAL_WAY
            return _USUAL_WAY if coerced is None or coerced is Undefined else coerced

        return complete

    def _plain_reader(self, field: GraphQLField) -> Callable[[Any], Any] | None:
        """What the resolver of a Strawberry basic field does: read the attribute (its info
        unused). Strawberry's default resolver is `getattr`: then an attrgetter."""
        definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        resolve = field.resolve
        if resolve is not None and self.middleware_manager:
            # A resolver wrapped by a middleware loses its mark.
            resolve = self.middleware_manager.get_field_resolver(resolve)
        if resolve is None or not getattr(resolve, "_is_default", False):
            return None
        if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
            return None
        if definition.default_resolver is getattr:
            return attrgetter(definition.python_name)
        plain = resolve
        return lambda source: plain(source, None)
