"""The OpenAPI 3.1 document: FastAPI's own, with what FastAPI cannot see written in.

FastAPI gives the paths, parameters, response models, security with scopes (from
`Security(api_key, scopes=[...])`), operation ids (`operation_id`), the servers and the
outbound webhooks. The rest comes from the OperationDoc of each route and of each dependency
it uses (app/api/operation_docs.py): request bodies, headers, and the error responses of the
errors raised, grouped by status. Then the request-id headers every operation has, examples,
and the GraphQL endpoint, which Strawberry serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from operator import attrgetter
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute

from app.api import outbound_webhooks
from app.api.deps import api_key
from app.api.openapi_examples import REQUESTS, RESPONSES
from app.api.openapi_graphql import describe_graphql
from app.api.operation_docs import (
    REQUEST_ID_HEADERS,
    REQUEST_ID_PARAMETERS,
    RESPONSE_HEADERS,
    RETRY_AFTER,
    OperationDoc,
    describe,
    doc_of,
    explain,
)
from app.core.errors import AppError, IdempotencyKeyInProgress, ValidationFailed, envelope
from app.core.schemas import OutputModel
from app.http.paths import GRAPHQL_PATH

SERVERS = [
    {"url": "https://api.aetherflow.digital", "description": "Production"},
    {"url": "http://127.0.0.1:8000", "description": "Local development (`aetherflow up`)"},
]
_SCHEMAS = "#/components/schemas/"
_STATUS = attrgetter("status")
_CURSOR = "The previous page's `nextCursor`; absent or empty for the first page."
# What the schemas cannot say (CONTRACT.md §1).
_BODY_RULES = (
    "UTF-8 JSON, nested at most 64 levels deep. No text in it, keys included, may contain "
    "U+0000 (NUL); such a body is a 422."
)


class ValidationProblem(OutputModel):
    path: str
    message: str


class ErrorOut(OutputModel):
    code: str = Field(description="A code of CONTRACT §1.")
    message: str
    details: list[ValidationProblem] | dict[str, Any] | None
    request_id: str | None


class ErrorEnvelope(OutputModel):
    """The body of every non-2xx response (CONTRACT.md §1)."""

    error: ErrorOut


def operation_id(route: APIRoute) -> str:
    """The route function's name in camelCase: `list_reports` → `listReports`."""
    return to_camel(route.name)


def _documentation_order(path: tuple[str, Any]) -> tuple[bool, bool]:
    """Probes and metrics, then the REST API, then GraphQL (the router tries them in another
    order: app/main.py); each group keeps the order of its routes."""
    return path[0].startswith("/v1/"), path[0] == GRAPHQL_PATH


def install_openapi(app: FastAPI) -> None:
    app.servers = SERVERS
    app.webhooks.include_router(outbound_webhooks.router, generate_unique_id_function=operation_id)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _complete(FastAPI.openapi(app), app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(spec: dict[str, Any], routes: Sequence[BaseRoute]) -> dict[str, Any]:
    spec["paths"] = dict(sorted(spec["paths"].items(), key=_documentation_order))
    components = spec["components"]
    components["headers"] = RESPONSE_HEADERS
    schemas = components["schemas"]
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (ErrorEnvelope, "serialization")
    ]
    for route in iter_route_contexts(routes):
        original = route.original_route
        if not isinstance(original, APIRoute) or not original.include_in_schema:
            continue
        if route.path_format == GRAPHQL_PATH:
            continue
        docs = list(dict.fromkeys(_docs(route.dependant)))
        for method in route.methods or ():
            operation = spec["paths"][route.path_format][method.lower()]
            if body := _document(operation, docs, route.response_model):
                models.append((body, "validation"))
    describe_graphql(spec["paths"][GRAPHQL_PATH], api_key.scheme_name)
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            _request_ids(operation)
    for hook in spec["webhooks"].values():
        hook["post"]["responses"].pop("200")  # FastAPI's own; any 2XX is a delivery
    _, definitions = models_json_schema(models, ref_template=_SCHEMAS + "{model}")
    for name, schema in definitions["$defs"].items():
        schemas.setdefault(name, schema)
    return spec


def _docs(dependant: Dependant) -> Iterator[OperationDoc]:
    """The docs of the route and its dependencies, in the order FastAPI runs them."""
    for dependency in dependant.dependencies:
        yield from _docs(dependency)
    if (doc := doc_of(dependant.call)) is not None:
        yield doc


def _document(
    operation: dict[str, Any], docs: list[OperationDoc], response_model: Any
) -> type[BaseModel] | None:
    """Write the docs into `operation`; the request body's model, if it has one."""
    responses = operation["responses"]
    # FastAPI's 422 for the parameters it validates, which we answer with our envelope.
    errors: list[type[AppError]] = [ValidationFailed] if responses.pop("422", None) else []
    errors += [error for doc in docs for error in doc.raises]
    errors.append(AppError)
    for status, group in groupby(sorted(dict.fromkeys(errors), key=_STATUS), key=_STATUS):
        responses[str(status)] = _error_response(list(group))
    parameters = operation.setdefault("parameters", [])
    for doc in docs:
        parameters.extend(doc.parameters)
    for parameter in parameters:
        if parameter["in"] == "query" and parameter["name"] == "cursor":
            parameter.setdefault("description", _CURSOR)
    for status, response in responses.items():
        names = [name for doc in docs for name in doc.headers]
        if status.startswith("2"):
            names += [name for doc in docs for name in doc.success_headers]
            if response_model in RESPONSES:
                response["content"]["application/json"]["example"] = RESPONSES[response_model]
        if status == "409" and IdempotencyKeyInProgress in errors:
            names.append(RETRY_AFTER)
        _add_headers(response, names)
    requirements = operation.get("security", [])
    if scopes := [scope for each in requirements for scope in each.get(api_key.scheme_name, [])]:
        required = ", ".join(f"`{scope}`" for scope in scopes)
        operation["description"] = (
            f"{operation.get('description', '')}\n\nRequires the scope {required}."
        ).strip()
    body = next((doc for doc in docs if doc.request_body is not None), None)
    if body is None or body.request_body is None:
        return None
    media: dict[str, Any] = {"schema": {"$ref": _SCHEMAS + body.request_body.__name__}}
    if body.request_body in REQUESTS:
        media["example"] = REQUESTS[body.request_body]
    operation["requestBody"] = {
        "required": body.body_required,
        "description": _BODY_RULES,
        "content": {"application/json": media},
    }
    return body.request_body


def _message(error: type[AppError]) -> str:
    """Its message when the class has a fixed one; else (it is built when raised) what it means."""
    return error.message if "message" in vars(error) else explain(error)


def _error_response(errors: list[type[AppError]]) -> dict[str, Any]:
    examples = {
        error.code: {"value": envelope(error.code, _message(error), None, "req-1")}
        for error in errors
    }
    return {
        "description": describe(errors),
        "content": {
            "application/json": {
                "schema": {"$ref": _SCHEMAS + "ErrorEnvelope"},
                "examples": examples,
            }
        },
    }


def _add_headers(response: dict[str, Any], names: Iterable[str]) -> None:
    headers = response.setdefault("headers", {})
    for name in names:
        headers[name] = {"$ref": f"#/components/headers/{name}"}


def _request_ids(operation: dict[str, Any]) -> None:
    """Every operation takes and answers the request and correlation ids; every 429 and 503
    says when to retry (CONTRACT.md §1)."""
    operation.setdefault("parameters", []).extend(REQUEST_ID_PARAMETERS)
    for status, response in operation["responses"].items():
        _add_headers(response, REQUEST_ID_HEADERS)
        if status in {"429", "503"}:
            _add_headers(response, [RETRY_AFTER])
