"""CONTRACT.md §12: defaults, validation with one line per problem, production secrets."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from cryptography.fernet import Fernet

from app.core.config import (
    DEV_ACTIVEPIECES_WEBHOOK_SECRET,
    DEV_API_KEY_PEPPER,
    DEV_DATA_ENCRYPTION_KEY,
    Settings,
    SettingsError,
    load_settings,
)
from tests.deploy.helpers import session_signing_keys


def load(**env: str) -> object:
    return load_settings(_env_file=None, **{k.lower(): v for k, v in env.items()})


def problems_of(**env: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(**env)
    return caught.value.problems


def webhook_secret(key: bytes) -> str:
    return "whsec_" + base64.b64encode(key).decode()


def production_env() -> dict[str, str]:
    """A complete production configuration, its secrets generated as the docs say."""
    return {
        "APP_ENV": "production",
        "DATABASE_URL": "postgres://u:p@db:5432/app",
        "REDIS_URL": "redis://kv:6379/0",
        "API_KEY_PEPPER": secrets.token_urlsafe(48),
        "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ACTIVEPIECES_WEBHOOK_SECRET": webhook_secret(secrets.token_bytes(32)),
        "METRICS_TOKEN": secrets.token_urlsafe(24),
        "PUBLIC_BASE_URL": "https://api.aetherflow.digital",
        "SESSION_SIGNING_KEYS": session_signing_keys(),
    }


def production_problems_of(env: dict[str, str]) -> list[str]:
    """The lines load_settings() stops on, which must be what production_problems() reports."""
    problems = problems_of(**env)
    fields: dict[str, Any] = {key.lower(): value for key, value in env.items()}
    settings = Settings(_env_file=None, **fields)
    assert settings.production_problems() == problems
    return problems


def test_defaults_outside_production() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "postgresql://postgres@127.0.0.1:5432/aetherflow"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.max_body_bytes == 1_048_576
    assert settings.webhook_retry_schedule == [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    assert settings.automation_retry_schedule == [0, 2, 10, 60, 300]
    assert settings.rate_limit_read_per_minute == 600
    assert settings.trusted_proxy_hops == 0
    assert settings.introspection_enabled is True
    assert settings.api_key_pepper == DEV_API_KEY_PEPPER


def test_lists_and_flags_are_parsed_from_text() -> None:
    settings = load_settings(
        _env_file=None,
        webhook_retry_schedule="0, 1,2",
        cors_allowed_origins="https://a.example,https://b.example",
        webhook_allow_http="true",
    )
    assert settings.webhook_retry_schedule == [0, 1, 2]
    assert settings.cors_allowed_origins == ["https://a.example", "https://b.example"]
    assert settings.webhook_allow_http is True


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAX_BODY_BYTES", "lots"),
        ("WEBHOOK_RETRY_SCHEDULE", "0,5,soon"),
        ("WEBHOOK_RETRY_SCHEDULE", "-1"),
        ("WEBHOOK_ALLOW_HTTP", "maybe"),
        ("LOG_LEVEL", "LOUD"),
        ("APP_ENV", "staging"),
        ("DATA_ENCRYPTION_KEY", "not-a-fernet-key"),
        ("ACTIVEPIECES_WEBHOOK_SECRET", "plain-secret"),
        ("DATABASE_URL", "mysql://x"),
        ("TRUSTED_PROXY_HOPS", "-2"),
        ("PUBLIC_BASE_URL", "not a url"),
        ("AUTOMATION_RETRY_SCHEDULE", "a,b"),
        ("CORS_ALLOWED_ORIGINS", "app.example.com"),
        ("CORS_ALLOWED_ORIGINS", "https://app.example.com/path"),
        ("CORS_ALLOWED_ORIGINS", "https://ok.example,https://app.example.com:99999"),
        ("PORT", "http"),
        ("PORT", "99999"),
    ],
)
def test_malformed_value_names_the_variable(variable: str, value: str) -> None:
    problems = problems_of(**{variable: value})
    assert len(problems) == 1
    assert problems[0].startswith(f"{variable}: ")
    if len(value) > 3:
        assert value not in problems[0]


def test_postgres_urls_are_converted_for_asyncpg() -> None:
    for given in ("postgres://u:p@h:5/db", "postgresql://u:p@h:5/db"):
        assert load_settings(_env_file=None, database_url=given).sqlalchemy_url == (
            "postgresql+asyncpg://u:p@h:5/db"
        )


def test_production_requires_strong_secrets_one_line_each() -> None:
    problems = problems_of(APP_ENV="production", METRICS_TOKEN="short")
    # What each line says before its advice on generating a value.
    assert [problem.split("; ")[0] for problem in problems] == [
        "DATABASE_URL is required in production",
        "REDIS_URL is required in production",
        "API_KEY_PEPPER is required in production",
        "DATA_ENCRYPTION_KEY is required in production",
        "ACTIVEPIECES_WEBHOOK_SECRET is required in production",
        "METRICS_TOKEN is too weak: only 5 characters (at least 16 needed)",
        "PUBLIC_BASE_URL must be an https URL in production",
        "SESSION_SIGNING_KEYS is required in production",
    ]
    assert "short" not in "\n".join(problems)


def test_production_with_everything_set_starts() -> None:
    settings = load_settings(
        _env_file=None,
        app_env="production",
        database_url="postgres://u:p@db:5432/app",
        redis_url="redis://kv:6379/0",
        api_key_pepper=secrets.token_urlsafe(48),
        data_encryption_key=Fernet.generate_key().decode(),
        activepieces_webhook_secret=webhook_secret(secrets.token_bytes(32)),
        public_base_url="https://api.aetherflow.digital",
        session_signing_keys=session_signing_keys(),
    )
    assert settings.is_production
    assert settings.introspection_enabled is False
    assert settings.production_problems() == []


def test_secrets_generated_as_documented_pass_in_production() -> None:
    # Fresh values each round: the estimate of a random value varies a little.
    for _ in range(50):
        env = production_env()
        # Several keys and secrets at once, as during a rotation.
        env["DATA_ENCRYPTION_KEY"] += "," + Fernet.generate_key().decode()
        env["ACTIVEPIECES_WEBHOOK_SECRET"] += "," + webhook_secret(secrets.token_bytes(32))
        settings = load(**env)
        assert isinstance(settings, Settings)
        assert settings.production_problems() == []


@pytest.mark.parametrize(
    "pepper",
    [
        "a" * 32,
        "ab" * 16,
        "abcd" * 8,
        "0123456789" * 4,
        "password" * 4,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        "abcdefghijklmnopqrstuvwxyz012345",
    ],
)
def test_low_entropy_pepper_is_too_weak_in_production(pepper: str) -> None:
    assert len(pepper) >= 32  # long enough: refused for what it is made of
    problems = production_problems_of(production_env() | {"API_KEY_PEPPER": pepper})
    assert len(problems) == 1
    assert problems[0].startswith("API_KEY_PEPPER is too weak: ")
    assert "bits of entropy; at least 80 needed" in problems[0]
    assert "secrets.token_urlsafe(48)" in problems[0]
    assert pepper not in problems[0]


def test_short_pepper_is_too_weak_in_production() -> None:
    pepper = secrets.token_urlsafe(16)
    problems = production_problems_of(production_env() | {"API_KEY_PEPPER": pepper})
    assert len(problems) == 1
    assert problems[0].startswith(
        "API_KEY_PEPPER is too weak: only 22 characters (at least 32 needed); "
    )
    assert pepper not in problems[0]


ZERO_FERNET_KEY = base64.urlsafe_b64encode(bytes(32)).decode()
REPEATED_BYTE_FERNET_KEY = base64.urlsafe_b64encode(b"\xa7" * 32).decode()


@pytest.mark.parametrize("after_a_good_one", [False, True], ids=["alone", "second"])
@pytest.mark.parametrize(
    ("variable", "weak"),
    [
        pytest.param("DATA_ENCRYPTION_KEY", ZERO_FERNET_KEY, id="fernet-zero-bytes"),
        pytest.param("DATA_ENCRYPTION_KEY", REPEATED_BYTE_FERNET_KEY, id="fernet-one-byte"),
        pytest.param(
            "ACTIVEPIECES_WEBHOOK_SECRET", webhook_secret(bytes(32)), id="whsec-zero-bytes"
        ),
        pytest.param(
            "ACTIVEPIECES_WEBHOOK_SECRET",
            webhook_secret(b"secret-secret-secret-secret-000"),
            id="whsec-repeated-text",
        ),
    ],
)
def test_low_entropy_key_is_too_weak_in_production(
    variable: str, weak: str, after_a_good_one: bool
) -> None:
    env = production_env()
    if after_a_good_one:
        # As during a rotation: a freshly generated value first, then the weak one.
        env[variable] = f"{env[variable]},{weak}"
        expected = f"{variable} (value 2 of 2) is too weak: "
    else:
        env[variable] = weak
        expected = f"{variable} is too weak: "
    problems = production_problems_of(env)
    assert len(problems) == 1
    assert problems[0].startswith(expected)
    assert "bits of entropy; at least 80 needed" in problems[0]
    for value in env[variable].split(","):
        assert value not in problems[0]


def test_low_entropy_metrics_token_is_too_weak_in_production() -> None:
    token = "a" * 16
    problems = production_problems_of(production_env() | {"METRICS_TOKEN": token})
    assert len(problems) == 1
    assert problems[0].startswith("METRICS_TOKEN is too weak: ")
    assert "bits of entropy; at least 32 needed" in problems[0]
    assert token not in problems[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("API_KEY_PEPPER", DEV_API_KEY_PEPPER),
        ("DATA_ENCRYPTION_KEY", DEV_DATA_ENCRYPTION_KEY),
        ("ACTIVEPIECES_WEBHOOK_SECRET", DEV_ACTIVEPIECES_WEBHOOK_SECRET),
    ],
)
def test_development_values_are_refused_in_production(variable: str, value: str) -> None:
    problems = production_problems_of(production_env() | {variable: value})
    assert len(problems) == 1
    assert problems[0].startswith(f"{variable} is the public development value; generate one with ")
    assert value not in problems[0]


def test_missing_pepper_is_required_in_production() -> None:
    env = production_env()
    del env["API_KEY_PEPPER"]
    problems = production_problems_of(env)
    assert len(problems) == 1
    assert problems[0].startswith("API_KEY_PEPPER is required in production; generate one with ")
    assert "secrets.token_urlsafe(48)" in problems[0]


def test_bad_configuration_stops_the_cli_with_one_line_per_problem() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(APP_ENV="production", API_KEY_PEPPER="hunter2-pepper")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "aetherflow: DATABASE_URL is required in production"
    assert (
        "aetherflow: API_KEY_PEPPER is too weak: only 14 characters (at least 32 needed); "
        "generate one with "
    ) in result.stderr
    assert all(line.startswith("aetherflow: ") for line in lines)
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_env_example_documents_every_setting_and_loads() -> None:
    from pathlib import Path

    from app.core.config import Settings

    example = Path(__file__).resolve().parents[2] / ".env.example"
    names = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert names == {name.upper() for name in Settings.model_fields}
    assert load_settings(_env_file=str(example)).app_env == "development"
