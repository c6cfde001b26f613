"""Render every error as the contract's envelope: domain errors, FastAPI's own, and outages."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from loguru import logger
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from app.core.errors import (
    AppError,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
    envelope,
)
from app.core.request_context import current_request_id


def error_response(error: AppError) -> JSONResponse:
    body = envelope(error.code, error.message, error.details, current_request_id())
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def validation_details(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic/FastAPI errors as `{"path": "reports.0.slug", "message": ...}` entries."""
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "header"}:
            loc = loc[1:]
        details.append({"path": ".".join(loc), "message": str(error.get("msg", "invalid"))})
    return details


async def _app_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(exc)


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFound("route"))
    if exc.status_code == 405:
        response = error_response(MethodNotAllowed())
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    error = AppError(str(exc.detail), headers=dict(exc.headers or {}))
    error.status = exc.status_code
    error.code = "internal_error" if exc.status_code >= 500 else "validation_error"
    return error_response(error)


async def _request_validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(ValidationFailed(details=validation_details(exc.errors())))


async def _dependency_down(_: Request, exc: Exception) -> Response:
    if (
        isinstance(exc, DBAPIError)
        and not isinstance(exc, OperationalError | InterfaceError)
        and not exc.connection_invalidated
    ):
        raise exc
    logger.warning("database unavailable: {}", type(exc).__name__)
    return error_response(ServiceUnavailable("The database is unavailable; retry shortly."))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    for outage in (DBAPIError, PoolTimeout, OSError, asyncio.TimeoutError):
        app.add_exception_handler(outage, _dependency_down)
