"""Shared pieces of the deploy tests: the checkout, setting names, YAML files, production
secrets, and Settings loaded from a given environment."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = frozenset(name.upper() for name in Settings.model_fields)


def load_yaml(name: str) -> dict[str, Any]:
    """A YAML file at the root of the checkout, which must hold a mapping."""
    document: object = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def production_secrets() -> dict[str, str]:
    """The secrets production requires, generated as docs/RENDER_DEPLOY.md says."""
    return {
        "API_KEY_PEPPER": secrets.token_urlsafe(48),
        "DATA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ACTIVEPIECES_WEBHOOK_SECRET": "whsec_"
        + base64.b64encode(secrets.token_bytes(32)).decode(),
        "SESSION_SIGNING_KEYS": session_signing_keys(),
    }


def session_signing_keys() -> str:
    """A one-key SESSION_SIGNING_KEYS, made as docs/SESSIONS.md says."""
    key = OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate(), as_dict=True)
    return json.dumps({"keys": [{**key, "kid": str(uuid.uuid4())}]})


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings read from the process environment plus `env`, without a .env file."""
    with monkeypatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        return Settings(_env_file=None)
