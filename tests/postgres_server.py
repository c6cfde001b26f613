"""A PostgreSQL cluster of the test's own, on its own port, that the test may stop, start, or
hold in "starting up" (never the machine's shared server)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live import free_port

# The server refuses to run as root; on a machine where the tests run as root it runs as this.
SERVER_USER = "postgres"


def _bin_dir() -> Path:
    """Debian keeps the server's programs in a versioned directory, off the PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    found = str(versions[-1]) if versions else shutil.which("initdb")
    if found is None:
        raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) not found")
    return Path(found).parent


class PostgresServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="aetherflow-pg-"))
        self.data = self.root / "data"
        self.bin = _bin_dir()
        self._as_server_user = os.geteuid() == 0
        if self._as_server_user:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self._as_server_user else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=check, timeout=120
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip

    def start(self, *, standby: bool = False) -> None:
        """Start; with `standby`, as a standby that never accepts connections (each attempt is
        refused with 57P03, "the database system is not accepting connections")."""
        signal_file = self.data / "standby.signal"
        if standby:
            self._run("touch", str(signal_file))
        else:
            self._run("rm", "-f", str(signal_file))
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            f"-c full_page_writes=off -c synchronous_commit=off -c max_connections=100 "
            f"-c hot_standby={'off' if standby else 'on'}"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "start", "--no-wait",
        )  # fmt: skip
        self._wait_listening()

    def wait_ready(self) -> None:
        """Wait until the server accepts sessions (not only TCP connections)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = self._run(
                str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL is not accepting sessions:\n{self.log()}")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop", check=False)

    def remove(self) -> None:
        self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL did not start:\n{self.log()}")

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text() if path.exists() else ""


@contextmanager
def own_postgres() -> Iterator[PostgresServer]:
    """A new cluster, started; removed afterwards."""
    server = PostgresServer()
    server.init()
    server.start()
    server.wait_ready()
    try:
        yield server
    finally:
        server.remove()
