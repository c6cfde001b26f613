"""Request and correlation ids (CONTRACT.md §1), visible to every log line of the request."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class RequestContext:
    request_id: str
    correlation_id: str
    tenant_id: str | None = None
    # A token's subject and its id (`jti`): logged, never the token.
    subject: str | None = None
    session_id: str | None = None
    # Answered from the idempotency store (CONTRACT.md §4), so it uses no rate-limit quota.
    idempotent_replay: bool = False


_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def accept_id(value: str | None) -> str | None:
    """A client-sent id when it is well formed, else None (the caller generates one)."""
    return value if value is not None and ID_PATTERN.match(value) else None


def new_id() -> str:
    return str(uuid.uuid4())


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def bound(context: RequestContext) -> Iterator[RequestContext]:
    """Make `context` current for the enclosed code (a request, a job)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context else None


def current_correlation_id() -> str | None:
    context = _current.get()
    return context.correlation_id if context else None
