"""Connection-level limits of the HTTP server, over raw loopback sockets: the size of a request
head, the time to send it, and a client that leaves in the middle of its body."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from app.api.server import HEAD_TIMEOUT_SECONDS, MAX_HEAD_BYTES, HeadLimits
from app.core.config import Settings
from app.core.metrics import registry
from db.session import Database
from tests.live import live_server
from tests.logs import parsed

# Generous: these bound waits that only cost time when the server misbehaves.
CLOSE_WAIT_SECONDS = 30.0
SHORT_LIMITS = HeadLimits(MAX_HEAD_BYTES, timeout_seconds=1.5)


class RawConnection:
    """A TCP connection driven byte by byte. Reading returns what the server sent even when
    it reset the connection afterwards (a server closing with unread input does that)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()

    @classmethod
    async def open(cls, base_url: str) -> RawConnection:
        port = int(base_url.rsplit(":", 1)[1])
        sock = socket.socket()
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        return cls(sock)

    async def send(self, data: bytes) -> bool:
        """Send `data`; False once the server has closed the connection."""
        try:
            await self.loop.sock_sendall(self.sock, data)
        except OSError:
            return False
        return True

    async def read_until_closed(self) -> bytes:
        received = bytearray()
        async with asyncio.timeout(CLOSE_WAIT_SECONDS):
            while True:
                try:
                    chunk = await self.loop.sock_recv(self.sock, 65536)
                except ConnectionResetError:
                    return bytes(received)
                if not chunk:
                    return bytes(received)
                received += chunk

    def close(self) -> None:
        self.sock.close()


@asynccontextmanager
async def connection(base_url: str) -> AsyncIterator[RawConnection]:
    raw = await RawConnection.open(base_url)
    try:
        yield raw
    finally:
        raw.close()


def status_and_body(response: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


def assert_refused(response: bytes, status: int, code: str) -> None:
    actual, body = status_and_body(response)
    assert actual == status
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == code
    assert b"\r\nconnection: close\r\n" in response.lower()
    assert f"\r\nx-request-id: {error['requestId']}\r\n".encode() in response.lower()


def access_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [line for line in parsed(stream) if line["message"] == "request"]


@pytest.mark.parametrize("pieces", [1, 64], ids=["in-one-write", "in-pieces"])
async def test_a_head_over_the_limit_is_431_and_never_reaches_the_app(
    settings: Settings, db: Database, log_lines: io.StringIO, pieces: int
) -> None:
    header = b"X-Big: " + b"a" * (1024 * 1024) + b"\r\n"
    head = b"GET /health HTTP/1.1\r\nHost: test\r\n" + header + b"\r\n"
    size = len(head) // pieces + 1
    async with live_server(settings) as base_url, connection(base_url) as raw:
        reading = asyncio.create_task(raw.read_until_closed())
        for start in range(0, len(head), size):
            if not await raw.send(head[start : start + size]):
                break
        response = await reading
    assert_refused(response, 431, "request_header_too_large")
    assert access_lines(log_lines) == []


async def test_a_head_just_over_the_limit_is_431_and_one_within_it_is_served(
    settings: Settings, db: Database, log_lines: io.StringIO
) -> None:
    # Small enough to arrive in one read, where the size is checked once the head is parsed.
    header = b"X-Big: " + b"a" * (MAX_HEAD_BYTES + 1) + b"\r\n"
    async with live_server(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url) as http:
            within = await http.get("/health", headers={"X-Big": "a" * (MAX_HEAD_BYTES - 4096)})
        assert within.status_code == 200
        async with connection(base_url) as raw:
            await raw.send(b"GET /health HTTP/1.1\r\nHost: test\r\n" + header + b"\r\n")
            response = await raw.read_until_closed()
    assert_refused(response, 431, "request_header_too_large")
    assert len(access_lines(log_lines)) == 1


class SlowClient:
    """Sends a request head one byte at a time, never finishing it."""

    HEAD = b"GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: "

    def __init__(self, raw: RawConnection) -> None:
        self.raw = raw
        self.first_byte_sent = asyncio.Event()
        self.first_byte_at = 0.0

    async def run(self) -> tuple[bytes, float]:
        """What the server answered, and the seconds from the first byte until it closed."""
        sender = asyncio.create_task(self._send())
        try:
            await self.first_byte_sent.wait()
            response = await self.raw.read_until_closed()
            return response, time.perf_counter() - self.first_byte_at
        finally:
            sender.cancel()

    async def _send(self) -> None:
        for index in itertools.count():
            byte = self.HEAD[index : index + 1] or b"a"
            if index == 0:
                self.first_byte_at = time.perf_counter()
            if not await self.raw.send(byte):
                return
            self.first_byte_sent.set()
            await asyncio.sleep(0.5)


async def test_slow_heads_are_closed_after_the_deadline_while_others_are_served(
    settings: Settings, db: Database
) -> None:
    async with live_server(settings) as base_url:
        raws = [await RawConnection.open(base_url) for _ in range(40)]
        try:
            clients = [SlowClient(raw) for raw in raws]
            runs = [asyncio.create_task(client.run()) for client in clients]
            for client in clients:
                await client.first_byte_sent.wait()
            async with httpx.AsyncClient(base_url=base_url, timeout=CLOSE_WAIT_SECONDS) as http:
                assert (await http.get("/health")).status_code == 200
            assert not [run for run in runs if run.done()]
            results = await asyncio.gather(*runs)
        finally:
            for raw in raws:
                raw.close()
    for response, closed_after in results:
        assert_refused(response, 408, "request_timeout")
        # Never before the deadline; the upper bound is read_until_closed's own timeout.
        assert closed_after >= HEAD_TIMEOUT_SECONDS * 0.9


async def test_a_connection_that_sends_nothing_is_closed_after_the_deadline(
    settings: Settings, db: Database
) -> None:
    async with (
        live_server(settings, head_limits=SHORT_LIMITS) as base_url,
        connection(base_url) as raw,
    ):
        assert await raw.read_until_closed() == b""


async def test_bytes_that_never_start_a_request_do_not_hold_a_kept_alive_connection(
    settings: Settings, db: Database
) -> None:
    async with (
        live_server(settings, head_limits=SHORT_LIMITS) as base_url,
        connection(base_url) as raw,
    ):
        await raw.send(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        first = await raw.loop.sock_recv(raw.sock, 65536)

        async def send_blank_lines() -> None:
            # Each arrives before the keep-alive timeout, and none starts a request.
            while await raw.send(b"\r\n"):
                await asyncio.sleep(0.5)

        sender = asyncio.create_task(send_blank_lines())
        response = first + await raw.read_until_closed()
        sender.cancel()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.count(b"HTTP/1.1 ") == 1


async def test_a_body_trickling_after_its_response_does_not_hold_the_connection(
    settings: Settings, db: Database
) -> None:
    async with (
        live_server(settings, head_limits=SHORT_LIMITS) as base_url,
        connection(base_url) as raw,
    ):
        # A declared size over MAX_BODY_BYTES is answered 413 before the body is read.
        await raw.send(
            b"POST /v1/tenants/acme/reports HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"
        )

        async def send_body_slowly() -> None:
            while await raw.send(b"a"):
                await asyncio.sleep(0.5)

        sender = asyncio.create_task(send_body_slowly())
        response = await raw.read_until_closed()
        sender.cancel()
    assert response.startswith(b"HTTP/1.1 413 ")
    assert response.count(b"HTTP/1.1 ") == 1


async def test_a_client_leaving_mid_body_is_one_info_line_and_a_499(
    settings: Settings, db: Database, log_lines: io.StringIO
) -> None:
    series = {"route": "/v1/tenants/{tenantId}/reports", "method": "POST", "status": "499"}
    counted_before = registry.get_sample_value("aetherflow_http_requests_total", series) or 0
    async with live_server(settings) as base_url:
        async with connection(base_url) as raw:
            await raw.send(
                b"POST /v1/tenants/acme/reports HTTP/1.1\r\nHost: test\r\n"
                b"Content-Type: application/json\r\nContent-Length: 1000\r\n"
                b"X-Request-Id: left-early\r\n\r\n"
                b'{"reports"'
            )
        async with asyncio.timeout(CLOSE_WAIT_SECONDS):
            while not access_lines(log_lines):
                await asyncio.sleep(0.05)
    lines = [line for line in parsed(log_lines) if line.get("requestId") == "left-early"]
    assert [(line["level"], line["message"]) for line in lines] == [
        ("INFO", "client disconnected"),
        ("INFO", "request"),
    ]
    assert lines[1]["status"] == 499
    assert lines[1]["route"] == "/v1/tenants/{tenantId}/reports"
    assert not [line for line in parsed(log_lines) if line["level"] == "ERROR"]
    counted = registry.get_sample_value("aetherflow_http_requests_total", series)
    assert counted == counted_before + 1
