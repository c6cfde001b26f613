"""Responses whose JSON body is already rendered."""

from __future__ import annotations

from starlette.responses import Response


def json_response(body: bytes, status_code: int = 200) -> Response:
    """A response with `body` as its JSON, as FastAPI sends a response model's."""
    return Response(body, status_code, media_type="application/json")
