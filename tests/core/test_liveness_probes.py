"""The containers' health checks: `python -m app.api.probe` (the API serves) and
`python -m jobs.heartbeat` (the worker sweeps), each exiting 1 with one line when not."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from app.core.config import Settings
from db.session import Database
from jobs import heartbeat
from tests.live import free_port, live_server


async def run_module(module: str, **env: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", module],
        env={**os.environ, "APP_ENV": "test", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


async def test_api_probe_passes_while_the_api_serves(settings: Settings, db: Database) -> None:
    port = free_port()
    async with live_server(settings, port=port):
        result = await run_module("app.api.probe", PORT=str(port))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


async def test_api_probe_fails_with_one_line_when_nothing_answers() -> None:
    port = free_port()
    result = await run_module("app.api.probe", PORT=str(port))
    assert result.returncode == 1
    assert result.stderr == (
        f"aetherflow api not serving: http://127.0.0.1:{port}/serving did not answer (URLError)\n"
    )


def test_heartbeat_is_stale_after_missed_sweeps(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    assert heartbeat.problem(beat, 60) == "no sweep has finished yet"
    heartbeat.sweep_finished(beat)
    assert heartbeat.last_sweep._value.get() >= time.time() - 5
    assert heartbeat.problem(beat, 60) is None
    assert heartbeat.problem(beat, 60, now=time.time() + 90) == (
        "the last sweep finished 90 s ago (more than 60 s)"
    )
    assert heartbeat.stale_after_seconds(15) == 60
    assert heartbeat.stale_after_seconds(30) == 120


async def test_heartbeat_check_reads_this_containers_file(tmp_path: Path) -> None:
    missing = await run_module("jobs.heartbeat", TMPDIR=str(tmp_path))
    assert (missing.returncode, missing.stderr) == (
        1,
        "aetherflow worker not live: no sweep has finished yet\n",
    )
    (tmp_path / heartbeat.HEARTBEAT_FILE.name).touch()
    fresh = await run_module("jobs.heartbeat", TMPDIR=str(tmp_path))
    assert (fresh.returncode, fresh.stdout, fresh.stderr) == (0, "", "")
