"""The composition root: each process (API, worker, CLI) builds its long-lived resources from
settings here, and every after-commit signal gets its handler here, the same in every process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from app.automation_runs.live import RunChanged, RunPublisher
from app.automation_runs.transitions import DispatchDue
from app.core.config import Settings
from app.core.pagination import CursorCodec
from app.core.queue import (
    DELIVER_WEBHOOK,
    DISPATCH_RUN,
    RECOVER_WEBHOOKS,
    ResilientStreamBroker,
    TaskQueue,
    create_broker,
)
from app.outbox.relay import DeliveriesRelayed
from app.outbox.service import EventsRecorded
from app.rate_limit.limiter import RateLimiter
from app.sessions.revocations import SESSION_CHANNEL, SessionRevoked
from app.sessions.revocations import log_unannounced as log_unannounced_session
from app.sessions.verifier import TokenVerifier
from app.tenants.auth import KeyVerifier
from app.tenants.revocations import KeyRevoked, RevocationListener, RevocationPublisher
from app.webhooks.live import DeliveryChanged, DeliveryPublisher, relayed_changes
from app.webhooks.recovery import RecoveryStarted
from app.webhooks.service import DeliveryDue
from db.session import CONNECT_TIMEOUT_SECONDS, Database

REDIS_TIMEOUT_SECONDS = 2.0


def connect_redis(url: str, *, timeout: float = REDIS_TIMEOUT_SECONDS) -> Redis:
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
    )


def handle_after_commit(
    db: Database,
    queue: TaskQueue,
    runs: RunPublisher,
    revocations: RevocationPublisher,
    deliveries: DeliveryPublisher,
    *,
    session_revocations: RevocationPublisher,
    evict_session: Callable[[str], None] = lambda _: None,
) -> None:
    """What each committed signal starts: enqueue its task, publish its change. A revoked
    session is also evicted from this process's own cache at once (`evict_session`)."""

    def on_session_revoked(revoked: list[SessionRevoked]) -> None:
        session_ids = [signal.session_id for signal in revoked]
        for session_id in session_ids:
            evict_session(session_id)
        session_revocations.announce_soon(session_ids)

    db.on_commit(EventsRecorded, lambda _: queue.nudge_relay())
    db.on_commit(
        DeliveryDue,
        lambda due: queue.kick_soon_each(DELIVER_WEBHOOK, [str(d.delivery_id) for d in due]),
    )
    db.on_commit(
        DispatchDue, lambda due: queue.kick_soon_each(DISPATCH_RUN, [str(d.run_id) for d in due])
    )
    db.on_commit(
        RecoveryStarted,
        lambda started: queue.kick_soon_each(
            RECOVER_WEBHOOKS, [str(s.recovery_id) for s in started]
        ),
    )
    db.on_commit(RunChanged, runs.publish_soon)
    db.on_commit(KeyRevoked, revocations.publish_soon)
    db.on_commit(SessionRevoked, on_session_revoked)
    db.on_commit(DeliveryChanged, deliveries.publish_soon)
    db.on_commit(
        DeliveriesRelayed, lambda relayed: deliveries.publish_soon(relayed_changes(relayed))
    )


def session_publisher(redis: Redis) -> RevocationPublisher:
    return RevocationPublisher(redis, on_failure=log_unannounced_session, channel=SESSION_CHANNEL)


@dataclass(frozen=True)
class Runtime:
    """The long-lived resources of an API or a worker process."""

    settings: Settings
    db: Database
    redis: Redis
    publisher: RunPublisher
    keys: KeyVerifier
    # Session tokens and external issuers' tokens (CONTRACT.md §15).
    tokens: TokenVerifier
    limiter: RateLimiter
    cursors: CursorCodec
    queue: TaskQueue
    # False in the worker, where Taskiq starts and stops the broker itself.
    owns_broker: bool
    revocation_publisher: RevocationPublisher
    session_revocation_publisher: RevocationPublisher
    # None in the worker, which verifies no API keys.
    revocation_listener: RevocationListener | None
    delivery_publisher: DeliveryPublisher

    @classmethod
    async def start(
        cls, settings: Settings, *, broker: ResilientStreamBroker | None = None
    ) -> Runtime:
        """Open pools (connections are made lazily) and the task queue."""
        # API requests are shed after a short wait for a connection; the worker's tasks wait
        # as long as connecting may take, since nobody waits on them.
        db = Database.connect(
            settings.sqlalchemy_url,
            pool_size=settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout_seconds
            if broker is None
            else CONNECT_TIMEOUT_SECONDS,
        )
        keys = KeyVerifier(db, pepper=settings.pepper, cache_seconds=settings.api_key_cache_seconds)
        tokens = TokenVerifier(db, settings)
        redis_url = settings.redis_url or ""
        queue = TaskQueue(broker or create_broker(redis_url))
        if broker is None:
            await queue.start()
        redis = connect_redis(redis_url)
        publisher = RunPublisher(redis)
        revocation_publisher = RevocationPublisher(redis)
        session_revocation_publisher = session_publisher(redis)
        delivery_publisher = DeliveryPublisher(redis)
        handle_after_commit(
            db,
            queue,
            publisher,
            revocation_publisher,
            delivery_publisher,
            session_revocations=session_revocation_publisher,
            evict_session=tokens.forget,
        )
        revocation_listener: RevocationListener | None = None
        if broker is None:  # an API process: the worker verifies no keys
            revocation_listener = RevocationListener(redis, keys, others={SESSION_CHANNEL: tokens})
            await revocation_listener.start()
        return cls(
            settings=settings,
            db=db,
            redis=redis,
            publisher=publisher,
            keys=keys,
            tokens=tokens,
            limiter=RateLimiter.connect(settings),
            cursors=CursorCodec(settings.pepper),
            queue=queue,
            owns_broker=broker is None,
            revocation_publisher=revocation_publisher,
            session_revocation_publisher=session_revocation_publisher,
            revocation_listener=revocation_listener,
            delivery_publisher=delivery_publisher,
        )

    def handle_after_commit(self, db: Database) -> None:
        """Give another database of this process (the delivery loop's) the same handlers."""
        handle_after_commit(
            db,
            self.queue,
            self.publisher,
            self.revocation_publisher,
            self.delivery_publisher,
            session_revocations=self.session_revocation_publisher,
            evict_session=self.tokens.forget,
        )

    async def close(self) -> None:
        await self.queue.cancel_pending()
        await self.publisher.drain()
        await self.delivery_publisher.drain()
        if self.revocation_listener is not None:
            await self.revocation_listener.close()
        await self.revocation_publisher.drain()
        await self.session_revocation_publisher.drain()
        await self.tokens.close()
        if self.owns_broker:
            await self.queue.broker.shutdown()
        await self.limiter.close()
        await self.redis.aclose()
        await self.db.dispose()


@asynccontextmanager
async def cli_database(
    settings: Settings, *, on_unannounced_revocation: Callable[[Exception], None]
) -> AsyncIterator[Database]:
    """The database of one CLI command, with the API's and the worker's after-commit handlers:
    what the command commits is enqueued and published, and sent before this returns.
    Connections are made on first use."""
    redis_url = settings.redis_url or ""
    async with AsyncExitStack() as closing:
        # Closed in the reverse order, each even when an earlier one fails.
        db = Database.connect(settings.sqlalchemy_url, pool_size=1)
        closing.push_async_callback(db.dispose)
        redis = connect_redis(redis_url)
        closing.push_async_callback(redis.aclose)
        # Not started: the API and the worker create the consumer group; enqueueing needs none.
        queue = TaskQueue(create_broker(redis_url))
        closing.push_async_callback(queue.broker.shutdown)
        publisher = RunPublisher(redis)
        revocation_publisher = RevocationPublisher(redis, on_failure=on_unannounced_revocation)
        delivery_publisher = DeliveryPublisher(redis)
        closing.push_async_callback(revocation_publisher.drain)
        session_revocation_publisher = session_publisher(redis)
        closing.push_async_callback(session_revocation_publisher.drain)
        closing.push_async_callback(publisher.drain)
        closing.push_async_callback(delivery_publisher.drain)
        closing.push_async_callback(queue.drain)
        handle_after_commit(
            db,
            queue,
            publisher,
            revocation_publisher,
            delivery_publisher,
            session_revocations=session_revocation_publisher,
        )
        yield db
