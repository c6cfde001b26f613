"""Session revocations reach every API process at once, as key revocations do
(app/tenants/revocations.py): announced on Redis after the commit, evicted from each process's
session cache as they arrive. While Redis is down the cache's own lifetime (one second) bounds
how long a revoked token still passes."""

from __future__ import annotations

from dataclasses import dataclass

from loguru import logger

from db.session import AfterCommit

SESSION_CHANNEL = "aetherflow:sessions:revoked"


@dataclass(frozen=True)
class SessionRevoked(AfterCommit):
    """A session was revoked: announce its id once committed."""

    session_id: str


def log_unannounced(error: Exception) -> None:
    logger.warning(
        "session revocation not announced ({}); other API processes stop accepting its token "
        "within a second",
        type(error).__name__,
    )
