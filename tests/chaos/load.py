"""An open-loop HTTP/1.1 load generator on raw asyncio connections (httptools parses answers).

Requests start at a fixed rate whatever the server does (open loop): a slow or stalled server
meets more connections, not fewer requests, and latency is measured from when a request was due,
so queueing is not hidden. Each request's outcome is kept: the status, `Retry-After`, the body,
or the kind of connection error, told apart (refused, reset, closed before the answer, timeout).

Connections are kept alive and reused, but only while they were idle for less than
`REUSE_IDLE_SECONDS` (well under uvicorn's 5 s keep-alive timeout), so a request is never sent
on a connection the server is closing as idle: every error counted is the server's doing.

The generator shares the machine with what it loads, so each request costs it little: the
request's bytes are formatted by hand and answers parsed by httptools (uvicorn's parser, in C),
on whatever event loop runs it (the bench runs it on uvloop).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httptools

REUSE_IDLE_SECONDS = 1.0
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Outcome:
    index: int
    due: float  # time.monotonic() the request was due at
    sent: float = 0.0  # when it got a connection and was written
    done: float = 0.0
    status: int | None = None
    error: str | None = None  # kind of connection error, when there is no status
    retry_after: str | None = None
    body: bytes = b""

    @property
    def latency(self) -> float:
        """From when the request was due to the end of its answer (open-loop latency)."""
        return self.done - self.due


class NoAnswer(Exception):
    """The connection ended before a complete answer."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def close(self) -> None:
        self.writer.close()


def error_kind(exc: BaseException) -> str:
    if isinstance(exc, NoAnswer):
        return exc.kind
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "reset"
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, httptools.HttpParserError):
        return "protocol"
    return f"other:{type(exc).__name__}"


class OpenLoop:
    """Connections to one server; `run` sends requests at a fixed rate."""

    def __init__(self, host: str, port: int, *, max_connections: int = 512) -> None:
        self.host = host
        self.port = port
        self.max_connections = max_connections
        self._idle: list[_Connection] = []
        self._open = 0
        self._freed = asyncio.Condition()
        self.connections_opened = 0
        self.waited_for_connection = 0

    async def _acquire(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if now - connection.idle_since < REUSE_IDLE_SECONDS:
                return connection
            self._discard(connection)
        if self._open >= self.max_connections:
            self.waited_for_connection += 1
            async with self._freed:
                await self._freed.wait_for(
                    lambda: bool(self._idle) or self._open < self.max_connections
                )
            return await self._acquire()
        self._open += 1
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except BaseException:
            self._open -= 1
            raise
        self.connections_opened += 1
        return _Connection(reader, writer)

    def _discard(self, connection: _Connection) -> None:
        connection.close()
        self._open -= 1

    async def _release(self, connection: _Connection, reusable: bool) -> None:
        if reusable:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            self._discard(connection)
        async with self._freed:
            self._freed.notify()

    async def send(self, request: Request, outcome: Outcome) -> None:
        """Send one request and fill in `outcome` (never raises)."""
        connection: _Connection | None = None
        reusable = False
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                connection = await self._acquire()
                outcome.sent = time.monotonic()
                reusable = await self._exchange(connection, request, outcome)
        except Exception as exc:
            outcome.error = error_kind(exc)
        finally:
            outcome.done = time.monotonic()
            if connection is not None:
                await self._release(connection, reusable)

    async def _exchange(self, connection: _Connection, request: Request, outcome: Outcome) -> bool:
        connection.writer.write(self._encode(request))
        await connection.writer.drain()
        answer = _Answer()
        parser = answer.parser = httptools.HttpResponseParser(answer)
        while not answer.complete:
            chunk = await connection.reader.read(65536)
            if not chunk:
                raise NoAnswer("closed before the answer")
            parser.feed_data(chunk)
        outcome.status = parser.get_status_code()
        outcome.retry_after = answer.retry_after
        outcome.body = bytes(answer.body)
        return answer.keep_alive and not answer.surplus

    def _encode(self, request: Request) -> bytes:
        head = [
            f"{request.method} {request.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(request.body)}",
            *(f"{name}: {value}" for name, value in request.headers.items()),
        ]
        return "\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + request.body

    async def run(
        self, make: Callable[[int], Request], *, rate: float, duration: float, first_index: int = 0
    ) -> list[Outcome]:
        """`rate` requests per second for `duration` seconds; request i is `make(i)`."""
        count = round(rate * duration)
        start = time.monotonic()
        outcomes: list[Outcome] = []
        tasks: list[asyncio.Task[None]] = []
        for number in range(count):
            due = start + number / rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            outcome = Outcome(index=first_index + number, due=due)
            outcomes.append(outcome)
            tasks.append(asyncio.create_task(self.send(make(first_index + number), outcome)))
        await asyncio.gather(*tasks)
        return outcomes

    async def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


class _Answer:
    """httptools' callbacks for one answer."""

    def __init__(self) -> None:
        self.body = bytearray()
        self.retry_after: str | None = None
        self.complete = False
        self.keep_alive = False
        self.parser: httptools.HttpResponseParser | None = None
        # Bytes after the answer: the server sent what was not asked for, so the connection
        # is not reused.
        self.surplus = False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"retry-after":
            self.retry_after = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        if self.complete:
            self.surplus = True
        else:
            self.body += body

    def on_message_begin(self) -> None:
        if self.complete:
            self.surplus = True

    def on_message_complete(self) -> None:
        # The parser forgets it once the message is over.
        self.keep_alive = self.parser is not None and self.parser.should_keep_alive()
        self.complete = True


def format_counts(counts: Counter[str]) -> str:
    return "  ".join(f"{key}={counts[key]}" for key in sorted(counts)) or "none"
