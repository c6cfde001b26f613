"""The webhook clients' network backend sends a request's head and body in one write."""

from __future__ import annotations

import ssl
import typing

import httpcore

from app.webhooks.transport import HeadWithBodyBackend
from tests.receiver import Answer, Receiver

BODY = b'{"type":"report.created","data":{}}'


class RecordingStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream, writes: list[bytes]) -> None:
        self._stream = stream
        self._writes = writes

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._writes.append(buffer)
        await self._stream.write(buffer, timeout=timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout=timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise NotImplementedError

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, recording what is written to each stream."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self, host: str, port: int, *args: typing.Any, **options: typing.Any
    ) -> RecordingStream:
        stream = await self._backend.connect_tcp(host, port, *args, **options)
        return RecordingStream(stream, self.writes)


async def test_head_and_body_of_each_request_go_in_one_write(receiver: Receiver) -> None:
    url = receiver.script("/hook", Answer(200))
    recording = RecordingBackend()
    async with httpcore.AsyncConnectionPool(network_backend=HeadWithBodyBackend(recording)) as pool:
        for _ in range(2):  # a new connection, then the one kept alive
            response = await pool.request("POST", url, content=BODY)
            assert response.status == 200
    assert len(recording.writes) == 2
    for written in recording.writes:
        assert written.startswith(b"POST /hook HTTP/1.1\r\n")
        assert written.endswith(b"\r\n\r\n" + BODY)
    assert [r.body for r in await receiver.wait_for("/hook", 2)] == [BODY, BODY]


async def test_a_request_without_a_body_is_sent_before_its_response_is_read(
    receiver: Receiver,
) -> None:
    url = receiver.script("/hook", Answer(204))
    recording = RecordingBackend()
    async with httpcore.AsyncConnectionPool(network_backend=HeadWithBodyBackend(recording)) as pool:
        response = await pool.request("GET", url)
    assert response.status == 204
    assert len(recording.writes) == 1
    assert recording.writes[0].startswith(b"GET /hook HTTP/1.1\r\n")
