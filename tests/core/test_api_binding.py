"""Which address `aetherflow api` binds: --host, else HOST, else 127.0.0.1 outside production
(a development machine serves only itself) and 0.0.0.0 in production (Render routes to
0.0.0.0:$PORT)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.api.server import server_config
from app.cli import parse
from app.cli.servers import api_host
from app.core.config import Settings
from db.session import Database
from tests.deploy.helpers import production_secrets
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]
PROC_NET = Path("/proc/net/tcp")
LISTEN = "0A"


def settings(app_env: str, **values: Any) -> Settings:
    if app_env == "production":
        values |= {"public_base_url": "https://api.example.com"} | {
            name.lower(): value for name, value in production_secrets().items()
        }
    return Settings(_env_file=None, app_env=app_env, **values)


async def app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("never called")


def bound_host(settings: Settings, *argv: str) -> str:
    """The host of the uvicorn configuration `aetherflow api ARGV` builds."""
    host = parse(["api", *argv]).options["host"]
    return server_config(app, host=api_host(settings, host), port=8000).host


@pytest.mark.parametrize(
    ("app_env", "expected"),
    [("development", "127.0.0.1"), ("test", "127.0.0.1"), ("production", "0.0.0.0")],
)
def test_default_binding(app_env: str, expected: str) -> None:
    assert bound_host(settings(app_env)) == expected


@pytest.mark.parametrize("app_env", ["development", "production"])
def test_host_setting_overrides_the_default(app_env: str) -> None:
    assert bound_host(settings(app_env, host="0.0.0.0")) == "0.0.0.0"
    assert bound_host(settings(app_env, host="::1")) == "::1"


def test_host_option_overrides_the_setting() -> None:
    assert bound_host(settings("production", host="0.0.0.0"), "--host", "127.0.0.1") == (
        "127.0.0.1"
    )


def test_host_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert Settings(_env_file=None).host == "0.0.0.0"
    monkeypatch.setenv("HOST", "")
    assert Settings(_env_file=None).host is None


def listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses (hex, as /proc/net/tcp writes them) listening on `port`."""
    found = set()
    for line in PROC_NET.read_text().splitlines()[1:]:
        fields = line.split()
        address, _, hex_port = fields[1].partition(":")
        if int(hex_port, 16) == port and fields[3] == LISTEN:
            found.add(address)
    return found


@pytest.mark.skipif(not PROC_NET.exists(), reason="reads listening sockets from /proc/net/tcp")
def test_development_api_process_listens_on_loopback_only(
    db: Database, cli_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "api", "--port", str(port)],
        env={**cli_env, "APP_ENV": "development", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,  # no .env
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (addresses := listening_addresses(port)):
            assert process.poll() is None, "the API exited"
            assert time.monotonic() < deadline, "the API never listened"
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert addresses == {"0100007F"}  # 127.0.0.1, not 00000000 (0.0.0.0)
