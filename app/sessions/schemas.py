"""Browser session input and output (CONTRACT.md §15)."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

from app.core.config import is_origin
from app.core.schemas import InputModel, OutputModel
from app.core.time import UtcDateTime
from app.tenants.keys import SCOPES

SESSIONS_SCOPE = "sessions:write"
# Scopes a session token may carry: every key scope but the one that mints sessions.
GRANTABLE_SCOPES = tuple(scope for scope in SCOPES if scope != SESSIONS_SCOPE)
DEFAULT_TTL_SECONDS = 900
MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 43_200
MAX_ORIGINS = 10
MAX_SUBJECT_LENGTH = 200


def _grantable(value: str) -> str:
    if value == SESSIONS_SCOPE:
        raise ValueError("a session token never holds sessions:write")
    if value not in GRANTABLE_SCOPES:
        raise ValueError(f"unknown scope; session scopes are {', '.join(GRANTABLE_SCOPES)}")
    return value


def _origin(value: str) -> str:
    if not is_origin(value):
        raise ValueError(
            "must be an origin: a scheme, a host and an optional port, with no path "
            "(e.g. https://app.example.com)"
        )
    return value


def _without_repeats(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))


SessionScope = Annotated[str, AfterValidator(_grantable)]
SessionOrigin = Annotated[str, AfterValidator(_origin)]


class SessionIn(InputModel):
    """What a tenant's backend asks for: who the browser acts for, with which scopes, from
    which origins, for how long. Repeated scopes or origins count once."""

    subject: Annotated[str, Field(min_length=1, max_length=MAX_SUBJECT_LENGTH)]
    scopes: Annotated[list[SessionScope], Field(min_length=1), AfterValidator(_without_repeats)]
    origins: Annotated[
        list[SessionOrigin],
        Field(min_length=1, max_length=MAX_ORIGINS),
        AfterValidator(_without_repeats),
    ]
    ttl_seconds: Annotated[StrictInt, Field(ge=MIN_TTL_SECONDS, le=MAX_TTL_SECONDS)] = (
        DEFAULT_TTL_SECONDS
    )


class SessionOut(OutputModel):
    """A minted session: its token is shown in this response only."""

    id: uuid.UUID
    token: str
    expires_at: UtcDateTime
    subject: str
    scopes: list[str]
    origins: list[str]


class SessionCreatedEnvelope(OutputModel):
    data: SessionOut


class PublicJwk(OutputModel):
    """The public half of a signing key: an OKP Ed25519 key has `x`, an EC P-256 key `x` and
    `y`; never the private `d`."""

    kty: str
    crv: str
    x: str
    y: str | None = None
    kid: str
    alg: str
    use: str


class PublicKeySet(OutputModel):
    """A JSON Web Key Set of the keys that verify session tokens."""

    keys: list[PublicJwk]
