"""Persisted operations: Automatic Persisted Queries and trusted documents
(docs/GRAPHQL-PERSISTED.md).

A request names its document by `extensions.persistedQuery {version: 1, sha256Hash}`, with or
without its text. Trusted documents are answered from the manifest; other hashes from this
process's memory, then from Redis (shared by every API process). A document sent with its hash
is stored once it has passed validation (`PersistedQueries.store`). Redis is a cache here: when
it does not answer, a lookup is a miss (the client sends the text again) and a store is skipped.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from loguru import logger
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.errors import (
    AppError,
    PersistedQueryNotFound,
    PersistedQueryRequired,
    ValidationFailed,
)
from schema.trusted_documents import TrustedDocuments, sha256_hex

KEY_PREFIX = "aetherflow:graphql:apq:"
# A stored document lives this long after it was last used (each hit renews it).
TTL_SECONDS = 7 * 24 * 3600
# Documents longer than this are executed but not stored (nor kept in memory).
MAX_STORED_CHARS = 16_384
# Documents kept in this process's memory, most recently used first out last.
LOCAL_DOCUMENTS = 512
WARNING_INTERVAL_SECONDS = 60.0
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UNAVAILABLE = (RedisError, OSError, asyncio.TimeoutError)


class Source(StrEnum):
    """Where a request's document came from (the operation metrics label only the last two)."""

    TEXT = "text"
    PERSISTED = "persisted"
    TRUSTED = "trusted"


@dataclass(frozen=True)
class Resolved:
    """The document to run, and whether to store it under `store_hash` once it validates."""

    query: str
    source: Source
    store_hash: str | None = None


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The `sha256Hash` of `extensions.persistedQuery`, if the request has one (a malformed one
    is a ValidationFailed)."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise ValidationFailed(
            "`extensions.persistedQuery` must be an object with `version: 1` and a `sha256Hash`."
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise ValidationFailed(
            "`extensions.persistedQuery.sha256Hash` must be 64 lowercase hexadecimal digits."
        )
    return digest


class PersistedQueries:
    def __init__(
        self, trusted: TrustedDocuments, *, trusted_only: bool, redis_timeout: float
    ) -> None:
        self.trusted = trusted
        self.trusted_only = trusted_only
        self._redis_timeout = redis_timeout
        self._local: OrderedDict[str, str] = OrderedDict()
        self._warned_at: float | None = None

    async def resolve(
        self, redis: Redis, query: str | None, extensions: dict[str, Any] | None
    ) -> Resolved | AppError | None:
        """The request's document; an error to answer with; None when the request names no
        document at all (the usual "no query" refusal follows)."""
        try:
            digest = requested_hash(extensions)
        except ValidationFailed as error:
            return error
        if digest is None:
            return None if query is None else self._text(query)
        if query is not None:
            return self._text_with_hash(query, digest)
        return await self._hash_only(redis, digest)

    async def _hash_only(self, redis: Redis, digest: str) -> Resolved | AppError:
        if (document := self.trusted.documents.get(digest)) is not None:
            return Resolved(document, Source.TRUSTED)
        if self.trusted_only:
            return PersistedQueryRequired()
        document = await self._lookup(redis, digest)
        if document is None:
            return PersistedQueryNotFound()
        return Resolved(document, Source.PERSISTED)

    def _text(self, query: str) -> Resolved | AppError:
        if self.trusted.documents and sha256_hex(query) in self.trusted.documents:
            return Resolved(query, Source.TRUSTED)
        return PersistedQueryRequired() if self.trusted_only else Resolved(query, Source.TEXT)

    def _text_with_hash(self, query: str, digest: str) -> Resolved | AppError:
        if sha256_hex(query) != digest:
            return ValidationFailed(
                "`extensions.persistedQuery.sha256Hash` is not the sha256 of the query.",
                details=[{"path": "extensions.persistedQuery.sha256Hash", "message": "mismatch"}],
            )
        if digest in self.trusted.documents:
            return Resolved(query, Source.TRUSTED)
        if self.trusted_only:
            return PersistedQueryRequired()
        known = digest in self._local or len(query) > MAX_STORED_CHARS
        return Resolved(query, Source.PERSISTED, None if known else digest)

    async def store(self, redis: Redis, digest: str, query: str) -> None:
        """Keep a validated document under its hash (skipped, and logged, if Redis fails)."""
        try:
            async with asyncio.timeout(self._redis_timeout):
                await redis.set(KEY_PREFIX + digest, query, ex=TTL_SECONDS)
        except _UNAVAILABLE as error:
            self._warn(error, "not stored")
            return
        self._remember(digest, query)

    async def _lookup(self, redis: Redis, digest: str) -> str | None:
        found = self._local.get(digest)
        if found is not None:
            self._local.move_to_end(digest)
            return found
        try:
            async with asyncio.timeout(self._redis_timeout):
                stored = await redis.getex(KEY_PREFIX + digest, ex=TTL_SECONDS)
        except _UNAVAILABLE as error:
            self._warn(error, "answered as not found")
            return None
        if stored is None:
            return None
        document = stored.decode() if isinstance(stored, bytes) else str(stored)
        # Stored only under its own hash; anything else in the key is not ours to run.
        if sha256_hex(document) != digest:
            return None
        self._remember(digest, document)
        return document

    def _remember(self, digest: str, document: str) -> None:
        self._local[digest] = document
        self._local.move_to_end(digest)
        if len(self._local) > LOCAL_DOCUMENTS:
            self._local.popitem(last=False)

    def _warn(self, error: BaseException, outcome: str) -> None:
        now = time.monotonic()
        if self._warned_at is not None and now - self._warned_at < WARNING_INTERVAL_SECONDS:
            return
        self._warned_at = now
        logger.bind(error=type(error).__name__, outcome=outcome).warning(
            "persisted queries: Redis unavailable"
        )
