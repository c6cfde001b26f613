"""Every GraphQL error gets `extensions.code` (CONTRACT.md §1) and `extensions.requestId`.

Domain errors keep their message, code and details; a dependency outage is
`service_unavailable` (or `overloaded`); documents refused by validation (syntax, unknown fields,
the abuse limits) are `validation_error`; anything else is masked as `internal_error` and
logged. Idempotent replays are marked in the response's extensions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from loguru import logger
from strawberry.extensions import SchemaExtension

from app.core import request_context
from app.core.errors import AppError, Overloaded
from app.core.outages import dependency_error, log_outage
from app.core.request_context import current_request_id

INTERNAL_MESSAGE = "An internal error occurred."
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


def error_extensions(error: AppError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code, "requestId": current_request_id()}
    if error.details is not None:
        extensions["details"] = error.details
    return extensions


def graphql_error_body(error: AppError) -> dict[str, Any]:
    """The body of an HTTP-level refusal (401, 403, 429) in GraphQL's shape."""
    return {"errors": [{"message": error.message, "extensions": error_extensions(error)}]}


def with_code(error: GraphQLError, *, hide_suggestions: bool) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is not None and (outage := dependency_error(original)) is not None:
        if not isinstance(outage, Overloaded):
            log_outage(original)
        original = outage
    if isinstance(original, AppError):
        message, extensions = original.message, error_extensions(original)
    elif original is None or error.path is None:
        # No path: the document or its variables were refused before execution.
        message = _SUGGESTION.sub("", error.message) if hide_suggestions else error.message
        extensions = {"code": "validation_error", "requestId": current_request_id()}
    else:
        logger.opt(exception=original).error("unexpected GraphQL error")
        message = INTERNAL_MESSAGE
        extensions = {"code": "internal_error", "requestId": current_request_id()}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorCodes(SchemaExtension):
    hide_suggestions = False

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors: list[GraphQLError] | None = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [
                with_code(error, hide_suggestions=self.hide_suggestions) for error in errors
            ]

    def get_results(self) -> dict[str, Any]:
        return result_extensions()


def result_extensions() -> dict[str, Any]:
    """A mutation answered from the idempotency store was noted in the request's context."""
    context = request_context.current()
    if context is not None and context.idempotent_replay:
        return {"idempotentReplayed": True}
    return {}


def error_codes(*, hide_suggestions: bool) -> type[ErrorCodes]:
    """The extension class, configured (Strawberry takes extension classes)."""
    return type("ErrorCodes", (ErrorCodes,), {"hide_suggestions": hide_suggestions})
