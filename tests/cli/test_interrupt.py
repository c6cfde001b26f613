"""Ctrl-C during a command: status 130, as shells report an interrupted program, and no
traceback (docs/CLI.md)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys


def test_an_interrupted_command_says_so_in_one_line(cli_env: dict[str, str]) -> None:
    # A "database" that accepts the connection and never answers: the command waits on it.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        env = {**cli_env, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/none"}
        command = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "tenants", "list"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        silent.settimeout(60)
        connection, _ = silent.accept()
        with connection:
            command.send_signal(signal.SIGINT)
            stdout, stderr = command.communicate(timeout=60)
    assert command.returncode == 130
    assert (stdout, stderr) == ("", "")
