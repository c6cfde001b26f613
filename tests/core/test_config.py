"""CONTRACT.md §12: defaults, validation with one line per problem, production secrets."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.core.config import DEV_API_KEY_PEPPER, SettingsError, load_settings


def load(**env: str) -> object:
    return load_settings(_env_file=None, **{k.lower(): v for k, v in env.items()})


def problems_of(**env: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load(**env)
    return caught.value.problems


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
    variables = [problem.split(":")[0] for problem in problems]
    assert variables == [
        "DATABASE_URL",
        "REDIS_URL",
        "API_KEY_PEPPER",
        "DATA_ENCRYPTION_KEY",
        "ACTIVEPIECES_WEBHOOK_SECRET",
        "METRICS_TOKEN",
        "PUBLIC_BASE_URL",
    ]


def test_production_with_everything_set_starts() -> None:
    settings = load_settings(
        _env_file=None,
        app_env="production",
        database_url="postgres://u:p@db:5432/app",
        redis_url="redis://kv:6379/0",
        api_key_pepper="p" * 48,
        data_encryption_key="lA5ZPGXNI2r1VnbY6PDE3Lh28rckmDI5uNpZXmRzFyI=",
        activepieces_webhook_secret="whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAwMA==",
        public_base_url="https://api.aetherflow.digital",
    )
    assert settings.is_production
    assert settings.introspection_enabled is False


def test_bad_configuration_stops_the_cli_with_one_line_per_problem() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(APP_ENV="production", API_KEY_PEPPER="weak")
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
    assert lines[0] == "aetherflow: DATABASE_URL: required in production"
    assert all(line.startswith("aetherflow: ") for line in lines)
    assert "Traceback" not in result.stderr
    assert "weak" not in result.stderr


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
