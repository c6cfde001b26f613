"""Operations of a document the caches hold as valid, executed without Strawberry's per-request
set-up.

For every request, Strawberry's `Schema.execute` builds an execution context, an instance of
each extension, a middleware manager and four hook context managers (operation, parsing,
validation, execution), each finding its hooks again. For a document already parsed and
validated, with one operation of an allowed type, none of that decides anything: the schema's
extensions then only code the result's errors and note an idempotent replay, which is done
here directly. Any other document takes Strawberry's path, where the extensions act as before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, execute
from graphql.execution.middleware import MiddlewareManager
from strawberry.execution import optimized_is_awaitable
from strawberry.schema import Schema
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.utils.await_maybe import await_maybe

from schema.document_cache import ValidDocument
from schema.errors import result_extensions, with_code


async def execute_valid(
    schema: Schema,
    valid: ValidDocument,
    *,
    variable_values: dict[str, Any] | None,
    context_value: Any,
    root_value: Any,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
    hide_suggestions: bool,
) -> ExecutionResult:
    """The result Strawberry's `execute` gives for `valid`, with the error codes applied."""
    name = valid.operation.name
    try:
        executed = await await_maybe(
            execute(
                schema._schema,
                valid.document,
                root_value=root_value,
                middleware=MiddlewareManager(),
                variable_values=variable_values,
                operation_name=operation_name or (name.value if name else None),
                context_value=context_value,
                # Strawberry's own predicate, typed as a plain bool.
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                operation_extensions=operation_extensions,
                **execution_context_class_kwargs(schema.execution_context_class),
            )
        )
        result = ExecutionResult(data=executed.data, errors=executed.errors)
    except Exception as exc:
        # As Strawberry answers an exception raised by the executor itself.
        error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
        result = PreExecutionError(data=None, errors=[error])
    if result.errors:
        result.errors = [with_code(e, hide_suggestions=hide_suggestions) for e in result.errors]
    result.extensions = result_extensions()
    return result
