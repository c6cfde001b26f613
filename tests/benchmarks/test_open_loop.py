"""The open-loop load generator (tests/chaos/load.py) reads answers and tells failures apart.

`make bench`'s end-to-end rows and the chaos scenarios count what it reports, so each outcome
is checked here against a real local server that answers, refuses or misbehaves on purpose.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from tests.chaos.load import OpenLoop, Outcome, Request
from tests.live import free_port

OK = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
OVERLOADED = (
    b'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\ncontent-length: 12\r\n\r\n"overloaded"'
)
CLOSING = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok"
CHUNKED = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
GARBAGE = b"NOT HTTP AT ALL\r\n\r\n"


class _Server(asyncio.Protocol):
    """Answers each request by its path: /ok, /overloaded, /closing, /chunked, /garbage, and
    /hang-up (closes without answering)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length = next(
                int(line.split(":", 1)[1])
                for line in head
                if line.lower().startswith("content-length:")
            )
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            path = head[0].split(" ")[1]
            if path == "/hang-up":
                self.transport.close()
                return
            answer = {
                "/ok": OK,
                "/overloaded": OVERLOADED,
                "/closing": CLOSING,
                "/chunked": CHUNKED,
                "/garbage": GARBAGE,
            }[path]
            self.transport.write(answer)
            if answer is CLOSING:
                self.transport.close()
                return


@pytest.fixture
async def port() -> AsyncIterator[int]:
    number = free_port()
    server = await asyncio.get_running_loop().create_server(_Server, "127.0.0.1", number)
    async with server:
        yield number


async def _run(port: int, path: str, count: int = 10) -> tuple[list[Outcome], OpenLoop]:
    loop = OpenLoop("127.0.0.1", port)
    make: Callable[[int], Request] = lambda index: Request(  # noqa: E731
        "POST", path, {"Content-Type": "application/json"}, b'{"index":%d}' % index
    )
    try:
        return await loop.run(make, rate=200, duration=count / 200), loop
    finally:
        await loop.close()


async def test_answers_are_read_and_connections_kept_alive(port: int) -> None:
    outcomes, loop = await _run(port, "/ok", count=20)
    assert [(o.status, o.body, o.error) for o in outcomes] == [(200, b'{"ok":true}', None)] * 20
    # 5 ms apart and answered at once: the connections are reused, not opened per request.
    assert loop.connections_opened < 10


async def test_retry_after_is_kept(port: int) -> None:
    outcomes, _ = await _run(port, "/overloaded")
    assert {(o.status, o.retry_after, o.body) for o in outcomes} == {(503, "2", b'"overloaded"')}


async def test_a_closing_answer_is_read_and_its_connection_not_reused(port: int) -> None:
    outcomes, loop = await _run(port, "/closing")
    assert {(o.status, o.body, o.error) for o in outcomes} == {(200, b"ok", None)}
    assert loop.connections_opened == 10


async def test_a_chunked_answer_is_read_whole(port: int) -> None:
    outcomes, _ = await _run(port, "/chunked")
    assert {(o.status, o.body) for o in outcomes} == {(200, b"abcde")}


@pytest.mark.parametrize(
    ("path", "kind"), [("/hang-up", "closed before the answer"), ("/garbage", "protocol")]
)
async def test_failures_are_told_apart(port: int, path: str, kind: str) -> None:
    outcomes, _ = await _run(port, path)
    assert {(o.status, o.error) for o in outcomes} == {(None, kind)}


async def test_a_refused_connection_is_counted_as_refused() -> None:
    outcomes, _ = await _run(free_port(), "/ok")
    assert {(o.status, o.error) for o in outcomes} == {(None, "refused")}
