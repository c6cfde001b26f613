"""The webhook clients' network backend (asyncio streams under httpcore): one write per
request, TLS with the server name checked, httpcore's error names, and idle connections the
server closed or wrote to are not reused."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpcore
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.webhooks.transport import AsyncioBackend

BODY = b'{"type":"report.created","data":{}}'
OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
STALE = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n"
SERVER_NAME = "hooks.test"
TIMEOUTS = dict.fromkeys(("connect", "read", "write", "pool"), 5.0)


class Server(asyncio.Protocol):
    """Answers each request with `answer(n)` (None: never); records what each read brought."""

    def __init__(self, answer: Callable[[int], bytes | None], chunks: list[bytes]) -> None:
        self.answer = answer
        self.chunks = chunks
        self.buffer = b""
        self.connected = False  # not before a TLS handshake succeeded

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.connected = True

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            answer = self.answer(len(self.chunks))
            if answer is not None:
                self.transport.write(answer)


@asynccontextmanager
async def serving(
    answer: Callable[[int], bytes | None], tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[int, list[bytes], list[Server]]]:
    chunks: list[bytes] = []
    connections: list[Server] = []

    def connected() -> Server:
        connections.append(Server(answer, chunks))
        return connections[-1]

    server = await asyncio.get_running_loop().create_server(connected, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, chunks, connections
    finally:
        server.close()
        for connection in connections:
            if connection.connected:
                connection.transport.abort()


def pool(ssl_context: ssl.SSLContext | None = None) -> httpcore.AsyncConnectionPool:
    return httpcore.AsyncConnectionPool(
        ssl_context=ssl_context, max_connections=1, network_backend=AsyncioBackend()
    )


async def post(
    client: httpcore.AsyncConnectionPool, url: str, **extensions: object
) -> httpcore.Response:
    return await client.request(
        "POST", url, content=BODY, extensions={"timeout": TIMEOUTS, **extensions}
    )


async def test_head_and_body_of_each_request_go_in_one_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[bytes] = []
    write = asyncio.StreamWriter.write

    def recording(writer: asyncio.StreamWriter, data: bytes | bytearray | memoryview) -> None:
        writes.append(bytes(data))
        write(writer, data)

    monkeypatch.setattr(asyncio.StreamWriter, "write", recording)
    async with serving(lambda _: OK) as (port, chunks, _), pool() as client:
        for _ in range(2):  # a new connection, then the one kept alive
            response = await post(client, f"http://127.0.0.1:{port}/hook")
            assert (response.status, response.content) == (200, b"ok")
    assert len(writes) == 2
    for written in writes:
        assert written.startswith(b"POST /hook HTTP/1.1\r\n")
        assert written.endswith(b"\r\n\r\n" + BODY)
    assert b"".join(chunks) == b"".join(writes)


def closed(connection: Server) -> None:
    connection.transport.close()


def wrote_unasked(connection: Server) -> None:
    connection.transport.write(STALE)


@pytest.mark.parametrize("server_side", [closed, wrote_unasked])
async def test_an_idle_connection_the_server_closed_or_wrote_to_is_not_reused(
    server_side: Callable[[Server], None],
) -> None:
    async with serving(lambda _: OK) as (port, _, connections), pool() as client:
        await post(client, f"http://127.0.0.1:{port}/hook")
        server_side(connections[0])
        await asyncio.sleep(0.1)
        response = await post(client, f"http://127.0.0.1:{port}/hook")
    assert response.status == 200
    assert len(connections) == 2


async def test_errors_are_httpcores() -> None:
    async with serving(lambda _: None) as (port, _, _), pool() as client:
        with pytest.raises(httpcore.ReadTimeout):
            await post(client, f"http://127.0.0.1:{port}/hook", timeout={"read": 0.2})
    with pytest.raises(httpcore.ConnectError):
        async with pool() as client:
            await post(client, f"http://127.0.0.1:{port}/hook")


def certificates(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for SERVER_NAME and a client context trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVER_NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_tls_verifies_the_certificate_for_the_server_name(tmp_path: Path) -> None:
    server_tls, client_tls = certificates(tmp_path)
    async with serving(lambda _: OK, tls=server_tls) as (port, chunks, _):
        url = f"https://127.0.0.1:{port}/hook"
        async with pool(client_tls) as client:
            response = await post(client, url, sni_hostname=SERVER_NAME)
            assert (response.status, response.content) == (200, b"ok")
        async with pool(client_tls) as client:
            with pytest.raises(httpcore.ConnectError):
                await post(client, url, sni_hostname="other.test")
        async with pool(ssl.create_default_context()) as client:
            with pytest.raises(httpcore.ConnectError):
                await post(client, url, sni_hostname=SERVER_NAME)
    assert chunks[0].startswith(b"POST /hook HTTP/1.1\r\n")
