"""One JSON object per line on stdout, with request context and secrets scrubbed."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from loguru import logger

from app.core import request_context

if TYPE_CHECKING:
    from loguru import Message, Record

_SECRET_PATTERNS = (
    (re.compile(r"(afk_[a-z0-9]{8})_[A-Za-z0-9_\-]+"), r"\1_[redacted]"),
    (re.compile(r"whsec_[A-Za-z0-9+/=_\-]+"), "whsec_[redacted]"),
    (re.compile(r"(?i)(bearer)\s+[^\s\"',]+"), r"\1 [redacted]"),
    # A JWS (a session token) wherever it appears: its header and payload start with `eyJ`.
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"), "[redacted token]"),
)
# One encoder for every line: `json.dumps` with options builds a new one per call.
_LINE_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)
# Context keys renamed to the contract's camelCase field names.
_CONTEXT_FIELDS = {
    "request_id": "requestId",
    "correlation_id": "correlationId",
    "tenant_id": "tenantId",
    "session_id": "sessionId",
}


# Every secret pattern contains one of these (case-insensitively): text without them is clean.
_SECRET_MARKERS = ("afk_", "whsec_", "bearer", "eyj")


def redact(text: str) -> str:
    """Remove API keys, webhook secrets and bearer tokens from a string."""
    lowered = text.lower()
    if not any(marker in lowered for marker in _SECRET_MARKERS):
        return text
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(str(value))


class JsonSink:
    """A loguru sink writing flat JSON lines (a stream sink to loguru: `write` and `stop`)."""

    # The sink access lines go to directly, while one keeps INFO lines (see `log_request`).
    for_requests: ClassVar[JsonSink | None] = None

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, message: Message) -> None:
        record = message.record
        exception = None
        if record["exception"] is not None:
            exc_type, exc_value, exc_tb = record["exception"]
            exception = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
        self.write_line(
            record["time"].astimezone(UTC),
            record["level"].name,
            record["message"],
            name=record["name"],
            extra=record["extra"],
            exception=exception,
        )

    def write_line(
        self,
        moment: datetime,
        level: str,
        message: str,
        *,
        name: str | None,
        extra: dict[str, Any],
        exception: str | None = None,
    ) -> None:
        line: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "message": redact(message),
            "logger": name,
        }
        for key, value in extra.items():
            line[_CONTEXT_FIELDS.get(key, key)] = _redact_value(value)
        if exception is not None:
            line["exception"] = redact(exception)
        self._stream.write(_LINE_ENCODER.encode(line) + "\n")
        self._stream.flush()

    def stop(self) -> None:
        """Called by loguru when the sink is removed."""
        if JsonSink.for_requests is self:
            JsonSink.for_requests = None


def log_request(name: str, **fields: Any) -> None:
    """The access line of a request: `logger.bind(**fields).info("request")` from module
    `name`, with the same fields in the same order, written straight to the JSON sink.

    loguru's own work per record (caller frame, process and thread, patcher, formatting) was
    ~5 % of a small request's CPU. Only the sink `configure_logging` installed receives the
    line; without one, loguru handles it as any other record.
    """
    log_info(name, "request", **fields)


def log_info(name: str, message: str, **fields: Any) -> None:
    """`logger.bind(**fields).info(message)` from module `name`, written straight to the JSON
    sink as `log_request` writes (for lines written very often)."""
    sink = JsonSink.for_requests
    if sink is None:
        logger.bind(**fields).info(message)
        return
    sink.write_line(
        datetime.now(UTC), "INFO", message, name=name, extra=_with_request_context(fields)
    )


class InterceptHandler(logging.Handler):
    """Route records of the standard logging module (uvicorn, alembic, taskiq) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(depth=6, exception=record.exc_info).bind(logger=record.name).log(
            level, record.getMessage()
        )


def _with_request_context(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with the current request's ids added, where they are not set already."""
    context = request_context.current()
    if context is not None:
        fields.setdefault("request_id", context.request_id)
        fields.setdefault("correlation_id", context.correlation_id)
        if context.tenant_id is not None:
            fields.setdefault("tenant_id", context.tenant_id)
        if context.subject is not None:
            fields.setdefault("subject", context.subject)
            fields.setdefault("session_id", context.session_id)
    return fields


def _add_request_context(record: Record) -> None:
    _with_request_context(record["extra"])


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Install the JSON sink and take over the standard logging module."""
    logger.remove()
    logger.configure(patcher=_add_request_context)
    sink = JsonSink(stream or sys.stdout)
    logger.add(sink, level=level, backtrace=False, diagnose=False)
    if logger.level(level.upper()).no <= logger.level("INFO").no:
        JsonSink.for_requests = sink
    # Records below the configured level are never built: uvicorn builds its per-message TRACE
    # records whenever its logger's own level is 0, whatever the sink would keep.
    std_level = logger.level(level.upper()).no
    logging.basicConfig(handlers=[InterceptHandler()], level=std_level, force=True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "taskiq", "alembic", "httpx"):
        std_logger = logging.getLogger(name)
        std_logger.handlers = [InterceptHandler()]
        std_logger.propagate = False
        std_logger.setLevel(std_level)
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
