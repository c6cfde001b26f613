"""Request bodies in the contract's order: size first, then (after auth) type, JSON, schema."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from app.api.errors import validation_details
from app.core.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

Model = TypeVar("Model", bound=BaseModel)
# The body model of each body dependency (and whether an empty body is allowed), so the
# OpenAPI document can describe bodies that FastAPI itself does not read.
BODY_MODELS: dict[Callable[..., Any], tuple[type[BaseModel], bool]] = {}
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def read_body_within_limit(request: Request) -> None:
    """Read the body before authentication, so an oversized one is a 413 first.

    A declared Content-Length is checked up front; a chunked body is counted while it is read
    (the request-context middleware raises once the limit is passed).
    """
    if request.method not in _BODY_METHODS:
        return
    limit: int = request.app.state.runtime.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge
    await request.body()


async def _json_payload(request: Request) -> Any:
    """The body parsed as JSON; `None` when there is no body at all."""
    body = await request.body()
    if not body:
        return None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidJson from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


JsonPayload = Annotated[Any, Depends(_json_payload)]


def validate(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON against an input model; a failure is a 422 listing each problem."""
    if (path := _nul_character_path(data)) is not None:
        raise ValidationFailed(
            details=[{"path": path, "message": "text must not contain the NUL character"}]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from None


def _nul_character_path(data: Any, path: str = "") -> str | None:
    """Where a NUL character hides in parsed JSON (PostgreSQL cannot store it), if anywhere."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    items: Any = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        child = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return child
        if (found := _nul_character_path(value, child)) is not None:
            return found
    return None


def json_body(model: type[Model]) -> Callable[..., Awaitable[Model]]:
    """A dependency giving the body validated by `model`; a missing body is a 400."""

    async def dependency(payload: JsonPayload) -> Model:
        if payload is None:
            raise InvalidJson("A JSON request body is required.")
        return validate(model, payload)

    BODY_MODELS[dependency] = (model, False)
    return dependency


def optional_json_body(model: type[Model]) -> Callable[..., Awaitable[Model]]:
    """Like `json_body`, for POSTs that take no input: an empty body means `{}`."""

    async def dependency(payload: JsonPayload) -> Model:
        return validate(model, {} if payload is None else payload)

    BODY_MODELS[dependency] = (model, True)
    return dependency
