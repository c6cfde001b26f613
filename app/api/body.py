"""Request bodies in the contract's order: size first, then (after auth) type, JSON, schema."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.requests import HTTPConnection

from app.api.errors import validation_details
from app.core.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from app.core.json_input import parse_json

Model = TypeVar("Model", bound=BaseModel)
# The body model of each body dependency (and whether an empty body is allowed), so the
# OpenAPI document can describe bodies that FastAPI itself does not read.
BODY_MODELS: dict[Callable[..., Any], tuple[type[BaseModel], bool]] = {}
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def read_body_within_limit(request: HTTPConnection) -> None:
    """Read the body before authentication, so an oversized one is a 413 first.

    A declared Content-Length is checked up front; a chunked body is counted while it is read
    (the request-context middleware raises once the limit is passed).
    """
    if not isinstance(request, Request) or request.method not in _BODY_METHODS:
        return
    limit: int = request.app.state.runtime.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge
    await request.body()


class _NoBody:
    """The request had no body at all (distinct from a JSON `null`)."""


NO_BODY = _NoBody()


def request_media_type(request: Request) -> str:
    """The Content-Type without its parameters, lower case ("" when there is none)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _json_payload(request: Request) -> Any:
    """The body parsed as JSON; `NO_BODY` when there is no body at all."""
    body = await request.body()
    if not body:
        return NO_BODY
    media_type = request_media_type(request)
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType
    try:
        return parse_json(body)
    except ValueError:
        raise InvalidJson from None


JsonPayload = Annotated[Any, Depends(_json_payload)]


def validate(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON against an input model; a failure is a 422 listing each problem."""
    if (problem := _unstorable_text(data)) is not None:
        path, message = problem
        raise ValidationFailed(details=[{"path": path, "message": message}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from None


def _unstorable_text(data: Any, path: str = "") -> tuple[str, str] | None:
    """Where parsed JSON holds text PostgreSQL cannot store, and why, if anywhere."""
    if isinstance(data, str):
        return (path, message) if (message := _text_problem(data)) is not None else None
    items: Any = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        child = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and (message := _text_problem(key)) is not None:
            return child, message
        if (found := _unstorable_text(value, child)) is not None:
            return found
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "text must not contain the NUL character"
    try:
        text.encode()
    except UnicodeEncodeError:
        return "text must not contain unpaired surrogates (\\ud800-\\udfff)"
    return None


def json_body(model: type[Model]) -> Callable[..., Awaitable[Model]]:
    """A dependency giving the body validated by `model`; a missing body is a 400."""

    async def dependency(payload: JsonPayload) -> Model:
        if payload is NO_BODY:
            raise InvalidJson("A JSON request body is required.")
        return validate(model, payload)

    BODY_MODELS[dependency] = (model, False)
    return dependency


def optional_json_body(model: type[Model]) -> Callable[..., Awaitable[Model]]:
    """Like `json_body`, for POSTs that take no input: an empty body means `{}`."""

    async def dependency(payload: JsonPayload) -> Model:
        return validate(model, {} if payload is NO_BODY else payload)

    BODY_MODELS[dependency] = (model, True)
    return dependency
