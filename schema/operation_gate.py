"""What an HTTP GraphQL operation passes before it runs: its persisted or trusted document, its
cost against GRAPHQL_MAX_COST, and the points it spends; and what it leaves behind: the
response's `extensions.cost` and the operation metrics.

The router resolves the document (`resolve`); the schema, once the document is valid, checks
and spends its cost (`admit`): directly for a document the document cache holds, from the
`CostLimit` extension for any other; the router then finishes the result (`finish`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from app.core.config import Settings
from app.core.errors import AppError, PersistedQueryRequired, QueryTooExpensive
from schema.context import Context, GraphQLRequestRefused
from schema.cost import shape_of
from schema.document_cache import CACHEABLE_DOCUMENT_CHARS
from schema.errors import error_extensions
from schema.operation_metrics import OperationLabels
from schema.operation_state import OperationState
from schema.persisted import PersistedQueries, Resolved, Source
from schema.points import cost_extension, refund_replay, spend, spend_minimum
from schema.trusted_documents import TrustedDocuments, sha256_hex


class OperationGate:
    def __init__(self, settings: Settings, trusted: TrustedDocuments) -> None:
        self.max_cost = settings.graphql_max_cost
        self.persisted = PersistedQueries(
            trusted,
            trusted_only=settings.graphql_trusted_only,
            redis_timeout=settings.rate_limit_redis_timeout_seconds,
        )
        self.labels = OperationLabels(trusted.operation_names)

    async def resolve(
        self, context: Context, query: str | None, extensions: dict[str, Any] | None
    ) -> Resolved | ExecutionResult | None:
        """The document to run; an error result (after its one point); None for a request
        without any document."""
        found = await self.persisted.resolve(context.runtime.redis, query, extensions)
        if isinstance(found, AppError):
            await spend_minimum(context)
            result = refused(found)
            if context.request is not None:
                result.extensions = {"cost": cost_extension(context.request, 1)}
            return result
        if found is not None:
            context.operation = OperationState(found)
        return found

    def untrusted(self, query: object) -> ExecutionResult | None:
        """For a document sent without a hash (subscriptions): the `persisted_query_required`
        result when only trusted documents are accepted and it is not one."""
        persisted = self.persisted
        if not persisted.trusted_only:
            return None
        if isinstance(query, str) and sha256_hex(query) in persisted.trusted.documents:
            return None
        return refused(PersistedQueryRequired())

    async def admit(
        self,
        context: Context,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
        *,
        cached: bool,
    ) -> ExecutionResult | None:
        """Check and spend a valid document's cost before it runs: None to run it, or the
        `query_too_expensive` result. A 429 is raised (GraphQLRequestRefused)."""
        state = context.operation
        if state is None:
            return None
        requested = shape_of(schema, document, operation, remember=cached).cost(variables)
        state.requested = requested
        state.name = operation.name.value if operation.name else None
        if requested > self.max_cost:
            await spend_minimum(context)
            error = QueryTooExpensive(requested, self.max_cost)
            return refused(error, cost={"requested": requested, "limit": self.max_cost})
        await spend(context, max(1, requested), requested)
        if (digest := state.resolved.store_hash) is not None:
            await self.persisted.store(context.runtime.redis, digest, state.resolved.query)
        if state.resolved.source is Source.PERSISTED and state.name is not None:
            # A document the fleet stored (here, or found in Redis): its name may label.
            self.labels.admit((state.name,))
        return None

    async def finish(self, context: Context, result: ExecutionResult, started: float) -> None:
        """Raise a refusal met inside Strawberry's path; otherwise spend the minimum if nothing
        was spent, and give the result its `extensions.cost` and its metrics."""
        state = context.operation
        if state is not None and state.refusal is not None:
            raise state.refusal
        await spend_minimum(context)
        await refund_replay(context)
        if context.request is not None:
            # A document refused before its cost was known spent the minimum, one point.
            requested = state.requested if state is not None else None
            cost = cost_extension(context.request, 1 if requested is None else requested)
            result.extensions = {**(result.extensions or {}), "cost": cost}
        self.observe(state, errors=bool(result.errors), started=started)

    def observe(self, state: OperationState | None, *, errors: bool, started: float) -> None:
        persisted = state is not None and state.resolved.source is not Source.TEXT
        label = self.labels.label(state.name if state else None, persisted=persisted)
        self.labels.observe(label, errors=errors, seconds=time.perf_counter() - started)


def refused(error: AppError, *, cost: dict[str, Any] | None = None) -> ExecutionResult:
    """A result holding only `error` (HTTP 200), nothing executed."""
    extensions = error_extensions(error)
    if cost is not None:
        extensions["cost"] = cost
    return PreExecutionError(data=None, errors=[GraphQLError(error.message, extensions=extensions)])


class CostLimit(SchemaExtension):
    """`OperationGate.admit` for a document Strawberry parsed and validated itself (one the
    document cache does not hold). A 429 cannot leave from here (Strawberry would make it a
    GraphQL error): it is kept for `finish`, and nothing is executed."""

    gate: OperationGate

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if isinstance(context, Context) and context.operation is not None and document:
            operation = get_operation_ast(document, execution.operation_name)
            query = execution.query or ""
            if operation is not None:
                try:
                    result = await self.gate.admit(
                        context,
                        execution.schema._schema,
                        document,
                        operation,
                        execution.variables,
                        cached=len(query) <= CACHEABLE_DOCUMENT_CHARS,
                    )
                except GraphQLRequestRefused as refusal:
                    context.operation.refusal = refusal
                    result = ExecutionResult(data=None, errors=None)
                if result is not None:
                    execution.result = result
        yield


def cost_limit() -> type[CostLimit]:
    """An extension class of its own, given its gate once the schema it checks exists
    (Strawberry takes extension classes)."""
    return type("CostLimit", (CostLimit,), {})
