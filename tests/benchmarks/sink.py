"""The bench's webhook receiver, in its own process: raw asyncio + httptools, answers 200 at once.

It records (path, webhook-id, data.slug, arrival as time.monotonic(), which every process of the
machine shares) for each POST. Control paths, not recorded: GET /_stats -> {"total", "unique"};
GET /_dump -> every record; GET /_reset clears them.
Run by the bench: `python -m tests.benchmarks.sink PORT`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any, cast

import httptools
import orjson
import uvloop

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"
Record = tuple[str, str | None, str | None, float]
RECORDS: list[Record] = []
SEEN: set[tuple[str, str | None]] = set()


def _json(value: Any) -> bytes:
    body = orjson.dumps(value)
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _slug(body: bytes) -> str | None:
    try:
        slug = orjson.loads(body)["data"].get("slug")
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None
    return slug if isinstance(slug, str) else None


class Receiver(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.parser = httptools.HttpRequestParser(self)
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.hook_id: str | None = None
        self.body: list[bytes] = []

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"webhook-id":
            self.hook_id = value.decode()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        now = time.monotonic()
        path = self.url.decode()
        if path.startswith("/_"):
            self.transport.write(_control(path))
        else:
            self.transport.write(OK)
            RECORDS.append((path, self.hook_id, _slug(b"".join(self.body)), now))
            SEEN.add((path, self.hook_id))
        self._reset()


def _control(path: str) -> bytes:
    if path == "/_dump":
        return _json(RECORDS)
    if path == "/_reset":
        RECORDS.clear()
        SEEN.clear()
    return _json({"total": len(RECORDS), "unique": len(SEEN)})


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Receiver, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1])))
