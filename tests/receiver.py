"""A real HTTP server on loopback standing in for webhook receivers and ActivePieces.

Each path answers from a script of responses (the last one repeats): a status, headers,
an optional delay before answering; or, for a path given a rule, what the rule chooses for each
request. Every request is recorded, and when its answer went out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.live import free_port


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes = b"ok"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass(frozen=True)
class Answered:
    request: Received
    status: int
    # When the handler returned its answer: the sender sees it only afterwards.
    at: float


class Receiver:
    def __init__(self) -> None:
        self.scripts: dict[str, list[Answer]] = {}
        self.rules: dict[str, Callable[[Received], Answer]] = {}
        self.received: list[Received] = []
        self.answered: list[Answered] = []
        self.port = free_port()
        self.arrived = asyncio.Condition()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *answers: Answer) -> str:
        """Answer requests to `path` with these answers in turn; returns the full URL."""
        self.scripts[path] = list(answers)
        return self.url(path)

    def rule(self, path: str, choose: Callable[[Received], Answer]) -> str:
        """Answer each request to `path` with what `choose` makes of it; returns the full URL."""
        self.rules[path] = choose
        return self.url(path)

    def at(self, path: str) -> list[Received]:
        return [request for request in self.received if request.path == path]

    async def wait_for(self, path: str, count: int, timeout: float = 60.0) -> list[Received]:
        """Wait until `path` has received `count` requests."""
        async with asyncio.timeout(timeout), self.arrived:
            await self.arrived.wait_for(lambda: len(self.at(path)) >= count)
        return self.at(path)

    async def _handle(self, request: Request) -> Response:
        path = request.url.path
        body = await request.body()
        received = Received(path, dict(request.headers), body, time.monotonic())
        async with self.arrived:
            self.received.append(received)
            self.arrived.notify_all()
        if (choose := self.rules.get(path)) is not None:
            answer = choose(received)
        else:
            script = self.scripts.get(path, [Answer(404)])
            answer = script.pop(0) if len(script) > 1 else script[0]
        if answer.delay:
            await asyncio.sleep(answer.delay)
        self.answered.append(Answered(received, answer.status, time.monotonic()))
        return Response(answer.body, status_code=answer.status, headers=answer.headers)


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver._handle, methods=["POST", "GET"])])
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=receiver.port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield receiver
    finally:
        server.should_exit = True
        server.force_exit = True
        await task
