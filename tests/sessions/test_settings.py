"""SESSION_SIGNING_KEYS is parsed at start-up: a bad value stops the process with one line
naming the variable; production refuses a missing or the development key set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.core.config import DEV_SESSION_SIGNING_KEYS, Settings, SettingsError, load_settings
from tests.deploy.helpers import session_signing_keys
from tests.sessions.helpers import ed25519_jwk, flawed_key_set, key_set, p256_jwk


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json", 'must be a JSON Web Key Set: {"keys": [...]}'),
        ('{"keys": []}', 'must be a JSON Web Key Set with at least one key: {"keys": [...]}'),
        ("[]", 'must be a JSON Web Key Set with at least one key: {"keys": [...]}'),
        ('{"keys": [1]}', "key 1: must be a JSON object (a JWK)"),
        (flawed_key_set("oct"), "key 1: must be an OKP Ed25519 or an EC P-256 key"),
        (flawed_key_set("P-384"), "key 1: must be an OKP Ed25519 or an EC P-256 key"),
        (flawed_key_set("no kid"), "key 1: must have a kid"),
        (flawed_key_set("public only"), "key 1: must be a private key (with d)"),
        (flawed_key_set("wrong alg"), "key 1: alg must be EdDSA for this key type"),
        (flawed_key_set("broken"), "key 1: is not a valid EdDSA private key"),
        (flawed_key_set("repeated kid"), "key 2: kid 'k' is used by an earlier key"),
    ],
)
def test_a_malformed_key_set_is_one_line_naming_the_variable(value: str, message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, session_signing_keys=value)
    assert refused.value.problems == [f"SESSION_SIGNING_KEYS: Value error, {message}"]
    assert '"d"' not in str(refused.value)


def test_both_key_kinds_are_accepted() -> None:
    settings = load_settings(
        _env_file=None, session_signing_keys=key_set(p256_jwk("ec"), ed25519_jwk("ed"))
    )
    assert settings.signing_keys.signing.key_id == "ec"
    assert list(settings.signing_keys.by_kid) == ["ec", "ed"]


def test_outside_production_the_development_key_set_is_used() -> None:
    settings = Settings(_env_file=None, app_env="development")
    assert settings.session_signing_keys == DEV_SESSION_SIGNING_KEYS
    assert settings.signing_keys.signing.key_id == "dev-session-key-1"


def test_production_refuses_a_missing_or_the_development_key_set() -> None:
    missing = Settings(_env_file=None, app_env="production").production_problems()
    assert any(
        line.startswith("SESSION_SIGNING_KEYS is required in production;") for line in missing
    )
    development = Settings(
        _env_file=None, app_env="production", session_signing_keys=DEV_SESSION_SIGNING_KEYS
    ).production_problems()
    assert any(
        line.startswith("SESSION_SIGNING_KEYS holds the public development key;")
        for line in development
    )
    own = Settings(
        _env_file=None, app_env="production", session_signing_keys=session_signing_keys()
    ).production_problems()
    assert not [line for line in own if "SESSION_SIGNING_KEYS" in line]


def test_the_advised_command_makes_a_usable_key_set() -> None:
    from app.core.config import SESSION_SIGNING_KEYS_GENERATE

    command = SESSION_SIGNING_KEYS_GENERATE.removeprefix('python -c "').removesuffix('"')
    made = subprocess.run(
        [sys.executable, "-c", command],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    ).stdout.strip()
    keys = load_settings(_env_file=None, session_signing_keys=made).signing_keys
    assert keys.signing.algorithm_name == "EdDSA"
    assert "d" in json.loads(made)["keys"][0]


def test_bad_session_settings_stop_the_cli_with_one_line_each() -> None:
    env = {
        **os.environ,
        "SESSION_SIGNING_KEYS": '{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "a"}]}',
        "OIDC_ISSUERS": '[{"issuer": "https://idp.example.com/"}]',
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "aetherflow: SESSION_SIGNING_KEYS: Value error, key 1: must have a kid",
        "aetherflow: OIDC_ISSUERS: Value error, issuer 1: jwksUrl must be a non-empty string",
    ]
