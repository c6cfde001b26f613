"""Render every error as the contract's envelope: domain errors, FastAPI's own, and outages."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import Scope

from app.core.errors import (
    AppError,
    MethodNotAllowed,
    NotFound,
    ValidationFailed,
    envelope,
)
from app.core.outages import dependency_error, note_refusal
from app.core.request_context import current_request_id
from app.http.validation import validation_details


class _ErrorJSONResponse(JSONResponse):
    """An error body is always valid UTF-8: text that is not valid Unicode (a lone surrogate
    echoed from input) becomes "?" rather than failing the response (CONTRACT.md §1)."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8", errors="replace")


def error_response(error: AppError) -> JSONResponse:
    body = envelope(error.code, error.message, error.details, current_request_id())
    return _ErrorJSONResponse(body, status_code=error.status, headers=error.headers)


async def _app_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFound("route"))
    if exc.status_code == 405:
        response = error_response(MethodNotAllowed())
        response.headers["Allow"] = ", ".join(_methods_served(request.app, request.scope))
        return response
    error = AppError(str(exc.detail), headers=dict(exc.headers or {}))
    error.status = exc.status_code
    error.code = "internal_error" if exc.status_code >= 500 else "validation_error"
    return error_response(error)


# The methods a route may serve, in the order `Allow` lists them (RFC 9110's, PATCH after PUT).
_METHODS_IN_ALLOW_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _methods_served(app: Starlette, scope: Scope) -> list[str]:
    """The methods some route of `app` answers at the request's path.

    The router raises its 405 from the first route whose path matched, which knows only its
    own methods (FastAPI makes one route per method), so each method is tried on every route.
    """
    served = []
    for method in _METHODS_IN_ALLOW_ORDER:
        probe: Scope = {
            "type": "http",
            "method": method,
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
        }
        if any(route.matches(probe)[0] is Match.FULL for route in app.router.routes):
            served.append(method)
    return served


async def _request_validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(ValidationFailed(details=validation_details(exc.errors())))


async def _dependency_down(_: Request, exc: Exception) -> Response:
    error = dependency_error(exc)
    if error is None:
        raise exc
    note_refusal(exc, error)
    return error_response(error)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    for outage in (DBAPIError, PoolTimeout, RedisError, OSError, TimeoutError):
        app.add_exception_handler(outage, _dependency_down)
