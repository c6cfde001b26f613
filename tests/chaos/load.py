"""An open-loop HTTP/1.1 load generator on raw asyncio connections (h11 parses).

Requests start at a fixed rate whatever the server does (open loop): a slow or stalled server
meets more connections, not fewer requests, and latency is measured from when a request was due,
so queueing is not hidden. Each request's outcome is kept: the status, `Retry-After`, the body,
or the kind of connection error, told apart (refused, reset, closed before the answer, timeout).

Connections are kept alive and reused, but only while they were idle for less than
`REUSE_IDLE_SECONDS` (well under uvicorn's 5 s keep-alive timeout), so a request is never sent
on a connection the server is closing as idle: every error counted is the server's doing.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import h11

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
    protocol: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
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
    if isinstance(exc, h11.RemoteProtocolError):
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
            connection.protocol.start_next_cycle()
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
        protocol = connection.protocol
        headers = [
            ("Host", f"{self.host}:{self.port}"),
            ("Content-Length", str(len(request.body))),
            *request.headers.items(),
        ]
        data = protocol.send(
            h11.Request(method=request.method, target=request.path, headers=headers)
        )
        data = (data or b"") + (protocol.send(h11.Data(data=request.body)) or b"")
        data += protocol.send(h11.EndOfMessage()) or b""
        connection.writer.write(data)
        await connection.writer.drain()
        body = bytearray()
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                chunk = await connection.reader.read(65536)
                if not chunk and outcome.status is None:
                    raise NoAnswer("closed before the answer")
                protocol.receive_data(chunk)
            elif isinstance(event, h11.Response):
                outcome.status = event.status_code
                for name, value in event.headers:
                    if name == b"retry-after":
                        outcome.retry_after = value.decode("latin-1")
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                outcome.body = bytes(body)
                return protocol.our_state is h11.DONE and protocol.their_state is h11.DONE
            elif isinstance(event, h11.ConnectionClosed):
                raise NoAnswer("closed before the answer")

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


def format_counts(counts: Counter[str]) -> str:
    return "  ".join(f"{key}={counts[key]}" for key in sorted(counts)) or "none"
