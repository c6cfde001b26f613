"""The webhook clients' network backend: httpcore's own (anyio), with each request's head sent
in one write with its body.

httpcore writes a request's head and its body separately, and each write is an anyio send (a
cancel scope for its timeout, a checkpoint through the event loop, a system call). The stream
here holds the head back until the body's first write, or until a read begins, and sends the
two together. httpcore treats a failed write of either the same way (it goes on to read the
response), so errors and timeouts are httpcore's as before.
"""

# The `timeout` parameters are httpcore's interface.
# ruff: noqa: ASYNC109

from __future__ import annotations

import ssl
import typing

import httpcore

# httpcore's socket option type (not exported).
_SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class HeadWithBodyBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._backend = backend or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return HeadWithBodyStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class HeadWithBodyStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._held = b""
        self._held_timeout: float | None = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if not self._held:
            self._held, self._held_timeout = buffer, timeout
            return
        held, self._held = self._held, b""
        await self._stream.write(held + buffer, timeout=timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._held:
            held, self._held = self._held, b""
            await self._stream.write(held, timeout=self._held_timeout)
        return await self._stream.read(max_bytes, timeout=timeout)

    async def aclose(self) -> None:
        self._held = b""
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(ssl_context, server_hostname, timeout=timeout)
        return HeadWithBodyStream(stream)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)
