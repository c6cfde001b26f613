"""The outermost layer writes its headers as Starlette's MutableHeaders would, in one pass."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders

from app.api.middleware import set_headers

FIELDS = [("Cache-Control", "no-store"), ("X-Request-Id", "r-1"), ("RateLimit", '"read";r=9;t=60')]


def start(*headers: tuple[bytes, bytes]) -> dict[str, Any]:
    return {"type": "http.response.start", "status": 200, "headers": list(headers)}


def test_set_headers_gives_what_mutable_headers_gives() -> None:
    present = (
        (b"content-type", b"application/json"),
        (b"cache-control", b"public"),
        (b"vary", b"Origin"),
        (b"cache-control", b"max-age=60"),
    )
    ours, starlettes = start(*present), start(*present)
    set_headers(ours, FIELDS)
    headers = MutableHeaders(scope=starlettes)
    for name, value in FIELDS:
        headers[name] = value
    assert ours["headers"] == starlettes["headers"]
    assert ours["headers"][-2:] == [(b"x-request-id", b"r-1"), (b"ratelimit", b'"read";r=9;t=60')]
