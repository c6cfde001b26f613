"""Typed settings read once from the environment (CONTRACT.md §12)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import (
    AnyHttpUrl,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core.oidc_issuers import OidcIssuer, parse_oidc_issuers
from app.core.secret_strength import MIN_SECRET_BITS, MIN_SHORT_TOKEN_BITS, weakness
from app.core.session_keys import SigningKeys, parse_signing_keys

# Development-only values: usable on a laptop, refused in production.
DEV_API_KEY_PEPPER = "dev-pepper-not-for-production-0123456789abcdef"
DEV_DATA_ENCRYPTION_KEY = "ZGV2LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24tMDAwMDA="
DEV_ACTIVEPIECES_WEBHOOK_SECRET = "whsec_ZGV2LWNhbGxiYWNrLXNlY3JldC1ub3QtZm9yLXByb2Q="  # noqa: S105
DEV_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/aetherflow"
DEV_REDIS_URL = "redis://127.0.0.1:6379/0"
# The development session signing key set (an Ed25519 JWK); production must set its own.
DEV_SESSION_SIGNING_KEYS = (
    '{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"dev-session-key-1",'
    '"d":"ZPwLenPdJV73XF5dq5zvc8eq3GLNf-_IVCk3Dz1mNGQ","x":"ArQs0AMtw4o8dKt1ZbJRYgOKHrXPqz_Y3--Y4-rkcwI"}]}'
)
DEV_SESSION_SIGNING_PRIVATE_VALUE = "ZPwLenPdJV73XF5dq5zvc8eq3GLNf-_IVCk3Dz1mNGQ"
MIN_PEPPER_LENGTH = 32
MIN_WEBHOOK_SECRET_BYTES = 24
MIN_METRICS_TOKEN_LENGTH = 16
FERNET_KEY_BYTES = 32


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SettingsError(Exception):
    """Start-up configuration problems, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _bool_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() not in {"true", "false", "1", "0"}:
        raise ValueError("must be true or false")
    return value


CsvInts = Annotated[list[int], NoDecode, BeforeValidator(_split_csv)]
CsvStrings = Annotated[list[str], NoDecode, BeforeValidator(_split_csv)]
StrictBool = Annotated[bool, BeforeValidator(_bool_text)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True
    )

    app_env: AppEnv = AppEnv.DEVELOPMENT
    database_url: str | None = None
    redis_url: str | None = None
    api_key_pepper: str | None = None
    public_base_url: AnyHttpUrl = AnyHttpUrl("http://127.0.0.1:8000")
    activepieces_base_url: AnyHttpUrl = AnyHttpUrl("https://cloud.activepieces.com")
    activepieces_webhook_secret: CsvStrings = Field(default_factory=list)
    cors_allowed_origins: CsvStrings = Field(default_factory=list)
    log_level: str = "INFO"
    metrics_token: str | None = None
    data_encryption_key: CsvStrings = Field(default_factory=list)

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    idempotency_ttl_seconds: int = Field(default=86_400, ge=60)
    automation_retry_schedule: CsvInts = Field(default_factory=lambda: [0, 2, 10, 60, 300])
    automation_run_timeout_seconds: int = Field(default=3600, ge=1)
    automation_dispatch_timeout_seconds: float = Field(default=10, gt=0, le=300)
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=300)
    webhook_retry_schedule: CsvInts = Field(
        default_factory=lambda: [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    )
    webhook_allow_http: StrictBool = False
    webhook_allow_private_targets: StrictBool = False
    # An endpoint whose attempts have all failed for this long, at least this many in a row, is
    # disabled (reason `failing`); the tenant is warned at half the period (docs/WEBHOOKS.md).
    webhook_disable_after_seconds: int = Field(default=432_000, ge=1)
    webhook_disable_min_failures: int = Field(default=20, ge=1)
    # The longest a receiver's `Retry-After` or `RateLimit` fields may hold back its endpoint.
    webhook_retry_after_max_seconds: int = Field(default=3600, ge=1, le=86_400)
    # Delivered, dead and skipped deliveries older than this are deleted by the worker.
    webhook_retention_days: int = Field(default=30, ge=1, le=36500)
    rate_limit_read_per_minute: int = Field(default=600, ge=1)
    rate_limit_write_per_minute: int = Field(default=120, ge=1)
    # The GraphQL quota in cost points per tenant per minute (CONTRACT.md §15).
    rate_limit_graphql_points_per_minute: int = Field(default=5000, ge=1)
    rate_limit_auth_failures_per_minute: int = Field(default=30, ge=1)
    rate_limit_redis_timeout_seconds: float = Field(default=0.1, gt=0, le=5)
    sweep_interval_seconds: float = Field(default=15, gt=0, le=3600)
    # Tasks one worker process runs at once; also all it takes from the queue ahead of them, so
    # the most attempts a `kill -9` can cut off (and so repeat).
    worker_concurrency: int = Field(default=10, ge=1, le=100)
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)
    graphql_max_depth: int = Field(default=10, ge=1)
    graphql_max_aliases: int = Field(default=15, ge=0)
    graphql_max_tokens: int = Field(default=2000, ge=10)
    graphql_introspection: StrictBool | None = None
    # The most cost points one GraphQL document may ask for (CONTRACT.md §15, "Cost").
    graphql_max_cost: int = Field(default=1000, ge=1)
    # A trusted-documents manifest ({"<sha256>": "<document>", ...}); with
    # GRAPHQL_TRUSTED_ONLY=true only its documents are executed.
    graphql_trusted_documents: str | None = None
    graphql_trusted_only: StrictBool = False
    # Browser sessions (CONTRACT.md §15): a JSON Web Key Set of private keys, the first signing,
    # all verifying; required in production, a fixed development key outside it.
    session_signing_keys: str | None = None
    # External OpenID Connect issuers whose tokens are accepted: a JSON list of
    # {"issuer", "jwksUrl", "audience", "tenantClaim", "scopesClaim"}.
    oidc_issuers: str = "[]"
    # The web console (docs/CONSOLE.md): where operators open it (console links point there;
    # default: PUBLIC_BASE_URL + /console/, served by the API), and the built console the API
    # serves at /console (default: web/dist beside the app package).
    console_url: AnyHttpUrl | None = None
    console_dir: str | None = None
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # How often each process publishes its metrics for the API's fleet-wide /metrics.
    metrics_publish_seconds: float = Field(default=10, gt=0, le=60)
    # The API's port when `aetherflow api` has no --port (Render sets PORT).
    port: int = Field(default=8000, ge=1, le=65535)
    # The address `aetherflow api` binds when --host is not given. Unset: 127.0.0.1 outside
    # production (only this machine), 0.0.0.0 in production (Render routes to 0.0.0.0:$PORT).
    host: str | None = None
    # How long a verified API key is trusted from the in-process cache; this is also the bound
    # on how long a revocation takes to reach every process.
    api_key_cache_seconds: float = Field(default=5, ge=0, le=60)
    # The database connections each process keeps open, and how long an API request waits for
    # a free one before it is refused with 503 `overloaded`.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_pool_timeout_seconds: float = Field(default=0.25, gt=0, le=30)
    # The tenant requests an API process serves at once; past them it answers 503 `overloaded`
    # at once rather than slowing every request down (app/api/admission.py).
    api_max_in_flight: int = Field(default=64, ge=1, le=10_000)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("automation_retry_schedule", "webhook_retry_schedule")
    @classmethod
    def _schedule(cls, value: list[int]) -> list[int]:
        if not value or any(step < 0 for step in value):
            raise ValueError("must be a non-empty comma-separated list of seconds >= 0")
        return value

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not is_origin(origin):
                raise ValueError(
                    "each origin must be a scheme, a host and an optional port, with no "
                    "path (e.g. https://example.com)"
                )
        return value

    @field_validator("activepieces_webhook_secret")
    @classmethod
    def _webhook_secrets(cls, value: list[str]) -> list[str]:
        for secret in value:
            if _webhook_secret_bytes(secret) is None:
                raise ValueError("each secret must be whsec_ followed by base64")
        return value

    @field_validator("data_encryption_key")
    @classmethod
    def _fernet_keys(cls, value: list[str]) -> list[str]:
        for key in value:
            try:
                Fernet(key.encode())
            except (ValueError, binascii.Error):
                raise ValueError(
                    "each key must be a Fernet key (32 url-safe base64 bytes)"
                ) from None
        return value

    @field_validator("session_signing_keys")
    @classmethod
    def _signing_keys(cls, value: str | None) -> str | None:
        if value is not None:
            parse_signing_keys(value)
        return value

    @field_validator("oidc_issuers")
    @classmethod
    def _oidc_issuers(cls, value: str) -> str:
        parse_oidc_issuers(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgres://", "postgresql")):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value

    @model_validator(mode="after")
    def _development_defaults(self) -> Settings:
        if self.app_env is AppEnv.PRODUCTION:
            return self
        defaults = {
            "database_url": DEV_DATABASE_URL,
            "redis_url": DEV_REDIS_URL,
            "api_key_pepper": DEV_API_KEY_PEPPER,
            "data_encryption_key": [DEV_DATA_ENCRYPTION_KEY],
            "activepieces_webhook_secret": [DEV_ACTIVEPIECES_WEBHOOK_SECRET],
            "session_signing_keys": DEV_SESSION_SIGNING_KEYS,
        }
        for name, default in defaults.items():
            if not getattr(self, name):
                object.__setattr__(self, name, default)
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env is AppEnv.PRODUCTION

    @property
    def introspection_enabled(self) -> bool:
        if self.graphql_introspection is None:
            return not self.is_production
        return self.graphql_introspection

    @property
    def sqlalchemy_url(self) -> str:
        """DATABASE_URL in the form SQLAlchemy's asyncpg dialect expects."""
        url = self.database_url or DEV_DATABASE_URL
        for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
            if url.startswith(prefix):
                url = "postgresql+asyncpg://" + url[len(prefix) :]
                break
        return url.replace("sslmode=", "ssl=")

    @property
    def signing_keys(self) -> SigningKeys:
        """SESSION_SIGNING_KEYS, parsed (once per process)."""
        return parse_signing_keys(self.session_signing_keys or DEV_SESSION_SIGNING_KEYS)

    @property
    def session_issuer(self) -> str:
        """The `iss` of the session tokens this service signs: PUBLIC_BASE_URL, no final slash."""
        return str(self.public_base_url).rstrip("/")

    @property
    def console_address(self) -> str:
        """CONSOLE_URL, else the console the API serves: PUBLIC_BASE_URL + /console/."""
        if self.console_url is not None:
            return str(self.console_url)
        return f"{self.session_issuer}/console/"

    @property
    def console_origin(self) -> str:
        """The origin of the console's pages: the one origin a console link's token allows."""
        parts = urlsplit(self.console_address)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def external_issuers(self) -> tuple[OidcIssuer, ...]:
        """OIDC_ISSUERS, parsed (once per process)."""
        return parse_oidc_issuers(self.oidc_issuers)

    @property
    def pepper(self) -> bytes:
        return (self.api_key_pepper or "").encode()

    def production_problems(self) -> list[str]:
        """Missing or weak secrets that must stop a production process."""
        if not self.is_production:
            return []
        problems: list[str] = []
        for name in ("database_url", "redis_url"):
            if not getattr(self, name):
                problems.append(f"{name.upper()} is required in production")
        problems += API_KEY_PEPPER_RULE.problems([self.api_key_pepper or ""])
        problems += DATA_ENCRYPTION_KEY_RULE.problems(self.data_encryption_key)
        problems += ACTIVEPIECES_WEBHOOK_SECRET_RULE.problems(self.activepieces_webhook_secret)
        if self.metrics_token is not None:
            problems += METRICS_TOKEN_RULE.problems([self.metrics_token])
        if self.public_base_url.scheme != "https":
            problems.append("PUBLIC_BASE_URL must be an https URL in production")
        problems += self._session_problems()
        return problems

    def _session_problems(self) -> list[str]:
        advice = f"generate one with {SESSION_SIGNING_KEYS_GENERATE}"
        problems: list[str] = []
        if not self.session_signing_keys:
            problems.append(f"SESSION_SIGNING_KEYS is required in production; {advice}")
        elif DEV_SESSION_SIGNING_PRIVATE_VALUE in self.session_signing_keys:
            problems.append(f"SESSION_SIGNING_KEYS holds the public development key; {advice}")
        for issuer in self.external_issuers:
            if not issuer.jwks_url.startswith("https://"):
                problems.append(
                    f"OIDC_ISSUERS: the jwksUrl of {issuer.issuer} must be https in production"
                )
        return problems


def is_origin(text: str) -> bool:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises for a malformed port
    except ValueError:
        return False
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and text == f"{parts.scheme}://{parts.netloc}"
    )


def _webhook_secret_bytes(secret: str) -> bytes | None:
    if not secret.startswith("whsec_"):
        return None
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (ValueError, binascii.Error):
        return None


@dataclass(frozen=True)
class SecretRule:
    """What a production secret must be, and how to generate a good one."""

    variable: str
    generate: str
    min_length: int
    development_value: str | None = None
    min_bits: int = MIN_SECRET_BITS
    # What is judged: the text itself, or the bytes it encodes.
    judged: Callable[[str], str | bytes] = str

    def problems(self, values: Sequence[str]) -> list[str]:
        """One line per missing, development or weak value; never the value itself."""
        advice = f"generate one with {self.generate}"
        if not any(values):
            return [f"{self.variable} is required in production; {advice}"]
        problems: list[str] = []
        for position, value in enumerate(values, start=1):
            which = f" (value {position} of {len(values)})" if len(values) > 1 else ""
            if value == self.development_value:
                problems.append(f"{self.variable}{which} is the public development value; {advice}")
            elif reason := weakness(
                self.judged(value), min_length=self.min_length, min_bits=self.min_bits
            ):
                problems.append(f"{self.variable}{which} is too weak: {reason}; {advice}")
        return problems


API_KEY_PEPPER_RULE = SecretRule(
    "API_KEY_PEPPER",
    generate='python -c "import secrets; print(secrets.token_urlsafe(48))"',
    min_length=MIN_PEPPER_LENGTH,
    development_value=DEV_API_KEY_PEPPER,
)
DATA_ENCRYPTION_KEY_RULE = SecretRule(
    "DATA_ENCRYPTION_KEY",
    generate=(
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
    min_length=FERNET_KEY_BYTES,
    development_value=DEV_DATA_ENCRYPTION_KEY,
    judged=base64.urlsafe_b64decode,
)
ACTIVEPIECES_WEBHOOK_SECRET_RULE = SecretRule(
    "ACTIVEPIECES_WEBHOOK_SECRET",
    generate=(
        'python -c "import base64, secrets; '
        "print('whsec_' + base64.b64encode(secrets.token_bytes(32)).decode())\""
    ),
    min_length=MIN_WEBHOOK_SECRET_BYTES,
    development_value=DEV_ACTIVEPIECES_WEBHOOK_SECRET,
    judged=lambda secret: _webhook_secret_bytes(secret) or b"",
)
METRICS_TOKEN_RULE = SecretRule(
    "METRICS_TOKEN",
    generate='python -c "import secrets; print(secrets.token_urlsafe(32))"',
    min_length=MIN_METRICS_TOKEN_LENGTH,
    min_bits=MIN_SHORT_TOKEN_BITS,
)


SESSION_SIGNING_KEYS_GENERATE = (
    'python -c "import json, uuid, jwt; '
    "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey; "
    "k = jwt.algorithms.OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate(), as_dict=True); "
    "print(json.dumps({'keys': [{**k, 'kid': str(uuid.uuid4())}]}))\""
)


def load_settings(**overrides: Any) -> Settings:
    """Read and check the settings; raise SettingsError with one line per problem."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        # One line per problem: a list setting can fail the same way in several items.
        lines = dict.fromkeys(_describe(error) for error in exc.errors())
        raise SettingsError(list(lines)) from None
    if problems := settings.production_problems():
        raise SettingsError(problems)
    return settings


def _describe(error: Any) -> str:
    loc = error.get("loc") or ("settings",)
    variable = str(loc[0]).upper()
    return f"{variable}: {error.get('msg', 'invalid value')}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
