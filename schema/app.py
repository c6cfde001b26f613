"""The GraphQL gateway: schema, abuse limits, and the router mounted at
`/v1/tenants/{tenantId}/graphql` (HTTP and graphql-transport-ws)."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterable
from contextlib import aclosing
from dataclasses import replace
from datetime import datetime
from typing import Any, overload

import strawberry
from cross_web import HTTPException
from fastapi import BackgroundTasks, Depends, FastAPI, Request, WebSocket
from fastapi.routing import APIRoute
from graphql import GraphQLError
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from app.core import json_codec
from app.core.config import Settings
from app.core.errors import (
    AppError,
    InsufficientScope,
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.core.json_input import JsonTooDeep, parse_json
from app.http.auth import verify_key_for_tenant
from app.http.paths import GRAPHQL_PATH
from app.http.request_body import is_json_content_type
from app.http.validation import too_deep
from app.rate_limit.enforce import enforce_tenant_limit
from app.rate_limit.policy import RateLimitGroup
from schema.api_keys import ApiKeyQueries
from schema.automation_runs import (
    AutomationRunMutations,
    AutomationRunQueries,
    AutomationRunSubscriptions,
)
from schema.context import Context, GraphQLRequestRefused, get_context, read_body_within_limit
from schema.described import described_root
from schema.document_cache import CachedDocuments, DocumentLimits, ValidDocument
from schema.errors import error_codes, graphql_error_body, with_code
from schema.event_types import EventTypeQueries
from schema.execution import PlainFieldsExecutor
from schema.nodes import NodeQueries
from schema.operation_gate import OperationGate, cost_limit
from schema.outages import (
    as_unavailable,
    close_connection_on_outage,
    close_subscription,
    unavailable_code,
)
from schema.points import spend_minimum
from schema.reports import ReportMutations, ReportQueries
from schema.scalars import DateTime
from schema.trusted_documents import load_trusted_documents
from schema.valid_operations import execute_valid
from schema.webhook_mutations import WebhookMutations
from schema.webhook_subscriptions import WebhookSubscriptions
from schema.webhooks import WebhookQueries

GRAPHQL_METHODS = "GET, POST"

Query = described_root(
    "Query",
    "Reads of the tenant that the path names, with the key's or token's scopes.",
    (
        ReportQueries,
        AutomationRunQueries,
        WebhookQueries,
        EventTypeQueries,
        ApiKeyQueries,
        NodeQueries,
    ),
)
Mutation = described_root(
    "Mutation",
    "Changes to the tenant that the path names, through the REST services and idempotency "
    "store (POST only).",
    (ReportMutations, AutomationRunMutations, WebhookMutations),
)
# The scopes of the subscriptions: a WebSocket needs at least one of them.
SUBSCRIPTION_SCOPES = ("automations:read", "webhooks:read")
Subscription = described_root(
    "Subscription",
    "Live updates, over graphql-transport-ws at the same path.",
    (AutomationRunSubscriptions, WebhookSubscriptions),
)


class Schema(strawberry.Schema):
    hide_suggestions = False
    documents: DocumentLimits | None = None  # what build_schema gives it
    gate: OperationGate | None = None  # likewise

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        """Subscriptions: give the errors of every streamed result their codes too, and close
        the socket on an outage. With GRAPHQL_TRUSTED_ONLY, only trusted documents (by text:
        graphql-transport-ws carries no `extensions`)."""
        socket = getattr(kwargs.get("context_value"), "request", None)
        query = args[0] if args else kwargs.get("query")
        untrusted = self.gate.untrusted(query) if self.gate is not None else None
        source = (
            _only(untrusted) if untrusted is not None else await super().stream(*args, **kwargs)
        )
        return _coded(
            source, self.hide_suggestions, socket if isinstance(socket, WebSocket) else None
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Expected errors are answers, not incidents; ErrorCodes logs the unexpected ones."""

    async def execute(  # noqa: PLR0917 (Strawberry's signature)
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """HTTP execution: subscriptions are served over WebSocket only (`subscribe`). A
        document the caches hold as valid skips Strawberry's per-request set-up."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES)
        allowed.discard(OperationType.SUBSCRIPTION)
        documents = self.documents
        valid = documents.valid_document(self._schema, query) if documents and query else None
        if valid is not None and self._runs_as_is(valid, operation_name, allowed):
            if self.gate is not None and isinstance(context_value, Context):
                too_expensive = await self.gate.admit(
                    context_value,
                    self._schema,
                    valid.document,
                    valid.operation,
                    variable_values,
                    cached=True,
                )
                if too_expensive is not None:
                    return too_expensive
            return await execute_valid(
                self,
                valid,
                variable_values=variable_values,
                context_value=context_value,
                root_value=root_value,
                operation_name=operation_name,
                operation_extensions=operation_extensions,
                hide_suggestions=self.hide_suggestions,
            )
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )

    def _runs_as_is(
        self, valid: ValidDocument, operation_name: str | None, allowed: set[OperationType]
    ) -> bool:
        """The operation asked for is the document's, of an allowed type, and no directive
        extension would join the schema's own (Strawberry refuses anything else)."""
        name = valid.operation.name
        named = operation_name is None or (name is not None and name.value == operation_name)
        kind = OperationType(valid.operation.operation.value)
        return named and kind in allowed and not self.directives


async def _only(result: ExecutionResult) -> AsyncGenerator[Any, None]:
    yield result


async def _coded(
    source: AsyncGenerator[Any, None], hide_suggestions: bool, socket: WebSocket | None
) -> AsyncGenerator[Any, None]:
    async with aclosing(source):
        async for result in source:
            errors: list[GraphQLError] | None = getattr(result, "errors", None)
            if errors:
                result.errors = [with_code(e, hide_suggestions=hide_suggestions) for e in errors]
                if socket is not None and (code := unavailable_code(result.errors)):
                    await close_subscription(socket, code)
            yield result


def build_schema(settings: Settings) -> strawberry.Schema:
    # The limits' rule classes are built once: the validation cache is keyed by them.
    rules = (
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
        *(() if settings.introspection_enabled else DisableIntrospection().validation_rules),
    )
    documents = DocumentLimits(max_tokens=settings.graphql_max_tokens, rules=rules)
    limit = cost_limit()
    extensions: list[Any] = [
        lambda: CachedDocuments(documents),
        limit,
        error_codes(hide_suggestions=not settings.introspection_enabled),
    ]
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map={datetime: DateTime}),
        execution_context_class=PlainFieldsExecutor,
    )
    schema.hide_suggestions = not settings.introspection_enabled
    schema.documents = documents
    trusted = load_trusted_documents(
        settings.graphql_trusted_documents,
        schema._schema,
        max_tokens=settings.graphql_max_tokens,
        rules=rules,
    )
    schema.gate = limit.gate = OperationGate(settings, trusted)
    return schema


class TenantGraphQLRouter(GraphQLRouter[Context, None]):
    def __init__(self, schema: strawberry.Schema, **kwargs: Any) -> None:
        super().__init__(schema, route_class=_route_class(self), **kwargs)

    async def serve_post(self, request: Request) -> Response:
        """A POST as FastAPI's solved handler serves it (the body's size, the context, then
        Strawberry's view), without solving the dependency graph for every request."""
        await read_body_within_limit(request)
        context = await get_context(request, request.path_params["tenantId"])
        # What Strawberry's context dependency and FastAPI's sub-response give the view.
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]
        context.request = request
        context.response = sub_response
        context.background_tasks = BackgroundTasks()
        self.temporal_response = sub_response
        try:
            response = await self._answer_post(request, context, sub_response)
        except HTTPException as refusal:
            response = PlainTextResponse(refusal.reason, status_code=refusal.status_code)
        finally:
            # A request refused before its cost was known (its 429 answers instead, if out).
            await spend_minimum(context)
        if response.background is None:
            response.background = context.background_tasks
        return response

    async def _answer_post(
        self, request: Request, context: Context, sub_response: Response
    ) -> Response:
        """Strawberry's view for one operation in a JSON body, without its set-up for the
        other transports (GET, WebSocket, batches, streams); anything else goes through it."""
        operation = await self._single_operation(request)
        if operation is None:
            return await self.run(request, context=context, root_value=None)
        try:
            result = await self.execute_single(
                request=request,
                request_adapter=self.request_adapter_class(request),
                sub_response=sub_response,
                context=context,
                root_value=None,
                request_data=operation,
            )
        except HTTPException as refusal:
            raise GraphQLRequestRefused(_contract_error(refusal)) from None
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    async def _single_operation(self, request: Request) -> GraphQLRequestData | None:
        """The body's operation, when the view would read it as one (a JSON object whose
        fields have their usual types, sent as `application/json`, no stream asked for)."""
        content_type = request.headers.get("content-type", "")
        # Strawberry's test: its media type, as sent, holds `application/json`.
        if content_type.partition(";")[0].strip() != "application/json":
            return None
        if not is_json_content_type(content_type) or self._stream_transport_map:
            return None
        data = self.decode_json(await request.body())
        if not isinstance(data, dict):
            return None
        query, variables, extensions = (
            data.get("query"),
            data.get("variables"),
            data.get("extensions"),
        )
        # No query: a persisted query's hash (`extensions`), or the usual refusal.
        if not (
            isinstance(query, str | None)
            and isinstance(variables, dict | None)
            and isinstance(extensions, dict | None)
        ):
            return None
        return GraphQLRequestData(
            query=query,
            variables=variables,
            operation_name=data.get("operationName"),
            extensions=extensions,
            protocol="http",
        )

    @overload
    async def run(
        self, request: Request, context: Context = UNSET, root_value: None = UNSET
    ) -> Response: ...

    @overload
    async def run(
        self, request: WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        """Strawberry's refusals of a malformed HTTP request, as contract errors (§1 codes and
        statuses) with a GraphQL body. An HTTP request refused before its document's cost is
        known spends the minimum point (its 429 answers instead, when out of points)."""
        try:
            if (
                isinstance(request, Request)
                and request.method == "POST"
                and not is_json_content_type(request.headers.get("content-type"))
            ):
                raise GraphQLRequestRefused(UnsupportedMediaType())
            try:
                return await super().run(request, context=context, root_value=root_value)
            except HTTPException as refusal:
                raise GraphQLRequestRefused(_contract_error(refusal)) from None
        finally:
            if isinstance(request, Request) and isinstance(context, Context):
                await spend_minimum(context)

    async def execute_single(  # noqa: PLR0917 (Strawberry's signature)
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One HTTP operation: its persisted or trusted document, then Strawberry's execution
        (where its cost is checked and spent), then the result's cost and metrics."""
        started = time.perf_counter()
        gate = _gate(self.schema)
        resolved = await gate.resolve(context, request_data.query, request_data.extensions)
        if isinstance(resolved, ExecutionResult):
            gate.observe(None, errors=True, started=started)
            return resolved
        if resolved is not None and resolved.query is not request_data.query:
            request_data = replace(request_data, query=resolved.query)
        try:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException:
            await spend_minimum(context)
            raise
        await gate.finish(context, result, started)
        return result

    def should_render_graphql_ide(self, request: Any) -> bool:
        """Not for a persisted query sent by GET (a hash, no query)."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """Strawberry's response, its body encoded once (not to text and back)."""
        response = Response(
            json_codec.dumps(response_data),
            media_type="application/json",
            status_code=sub_response.status_code or 200,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return as_unavailable(response, response_data)

    def encode_json(self, data: object) -> str:
        """Text (WebSocket messages are text frames), encoded by orjson."""
        return json_codec.dumps_text(data)

    def decode_json(self, data: str | bytes) -> object:
        """Only a JSON object (or a list, refused as a batch) is a GraphQL request."""
        try:
            document = parse_json(data)
        except JsonTooDeep:
            raise GraphQLRequestRefused(too_deep()) from None
        except ValueError:
            raise GraphQLRequestRefused(InvalidJson()) from None
        if not isinstance(document, dict | list):
            raise GraphQLRequestRefused(
                ValidationFailed("A GraphQL request is a JSON object with a `query`.")
            )
        # Strawberry would turn `false` into the name "False", or ignore it next to bad syntax.
        if isinstance(document, dict) and not isinstance(document.get("operationName"), str | None):
            raise GraphQLRequestRefused(
                ValidationFailed(
                    "The GraphQL operation's `operationName` must be a string or null."
                )
            )
        return document

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a WebSocket from `connection_init`; refusals close it with 4403."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("authorization")
        connection = context.request
        assert connection is not None
        try:
            principal = await verify_key_for_tenant(
                connection,
                context.runtime,
                context.tenant_reference,
                authorization if isinstance(authorization, str) else None,
            )
            # Each subscription checks its own scope; a key that can follow none is refused
            # here (docs/GRAPHQL-SUBSCRIPTIONS.md).
            if not principal.scopes.intersection(SUBSCRIPTION_SCOPES):
                raise InsufficientScope(SUBSCRIPTION_SCOPES[0])
            # A subscription connection counts once against the tenant's graphql quota.
            await enforce_tenant_limit(
                connection, context.runtime, principal.tenant_id, RateLimitGroup.GRAPHQL
            )
        except AppError as error:
            raise ConnectionRejectionError({"code": error.code}) from None
        except Exception as exc:
            assert isinstance(connection, WebSocket)
            await close_connection_on_outage(connection, exc)
        context.authenticated(principal)
        return None


def _route_class(router: TenantGraphQLRouter) -> type[APIRoute]:
    """Routes whose POST handler is the router's `serve_post`; GET and WebSocket keep
    FastAPI's (their dependencies are solved as declared). A POST is answered from the route's
    `handle`, outside FastAPI's request wrapper (two exit stacks and an exception layer that
    `serve_post` does not use): its exceptions reach the same handlers through the app's
    `ExceptionMiddleware`, as a lean REST GET's do (app/api/lean_route.py)."""

    class LeanPostRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            if self.methods == {"POST"}:
                return router.serve_post
            return super().get_route_handler()

        async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
            if self.methods == {"POST"} and scope["method"] == "POST":
                response = await router.serve_post(Request(scope, receive, send))
                await response(scope, receive, send)
                return
            await super().handle(scope, receive, send)

    return LeanPostRoute


def _gate(schema: object) -> OperationGate:
    gate = schema.gate if isinstance(schema, Schema) else None
    assert gate is not None, "build_schema gives the schema its gate"
    return gate


def _contract_error(refusal: HTTPException) -> AppError:
    operation = refusal.__cause__
    if isinstance(operation, InvalidOperationTypeError):
        if operation.operation_type is OperationType.SUBSCRIPTION:
            return ValidationFailed(
                "Subscriptions are served over WebSocket (graphql-transport-ws) at this path."
            )
        # `Allow` names what the path serves (CONTRACT.md §1); the message, what this needs.
        return MethodNotAllowed("Mutations need POST.", headers={"Allow": GRAPHQL_METHODS})
    if refusal.status_code == 404:
        return NotFound("route")
    if refusal.status_code == 405:
        return MethodNotAllowed(headers={"Allow": GRAPHQL_METHODS})
    # What is left: a body that is JSON but not a GraphQL request (no query, a batch, a
    # `variables` that is not an object, an operation name that names nothing).
    return ValidationFailed(refusal.reason)


async def _refused(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, GraphQLRequestRefused)
    error = exc.error
    body = graphql_error_body(error)
    if exc.extensions:
        body["extensions"] = exc.extensions
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def mount_graphql(app: FastAPI, settings: Settings) -> None:
    router = TenantGraphQLRouter(
        build_schema(settings),
        path=GRAPHQL_PATH,
        context_getter=get_context,
        graphql_ide=None if settings.is_production else "graphiql",
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=settings.cors_allowed_origins,
    )
    app.include_router(router, dependencies=[Depends(read_body_within_limit)])
    app.add_exception_handler(GraphQLRequestRefused, _refused)
