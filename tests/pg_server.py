"""A real PostgreSQL server for the feedback tests, started on a free port from Debian's binaries.

`initdb` refuses to run as root, so as root the server runs as the `postgres` system user (the Debian
package creates it) on a data directory it owns. Where the binaries are missing the tests skip, saying
how to install them, except in CI (CI=true), where a missing server must fail the run rather than hide it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testsupport.procs import free_port, wait_for_port

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL bin folder holding initdb and postgres, if installed."""
    found = sorted(Path("/").glob(PG_BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name), reverse=True)
    return next((b for b in found if (b / "initdb").exists() and (b / "postgres").exists()), None)


def require_postgres() -> Path:
    binaries = postgres_bin()
    if binaries is None:
        message = "PostgreSQL is not installed (apt-get install postgresql): the feedback tests need a real server"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI installs it (.ci/run)", pytrace=False)
        pytest.skip(message)
    return binaries


class PostgresServer:
    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="feedback-pg-"))
        self.user: dict[str, Any] = {}
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.user = {"user": owner.pw_uid, "group": owner.pw_gid}
        self.process: subprocess.Popen[bytes] | None = None
        self.databases = 0

    def start(self) -> None:
        data = self.root / "data"
        subprocess.run(
            [str(self.binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            **self.user,
        )
        options = ["-p", str(self.port), "-h", "127.0.0.1", "-k", str(self.root), "-c", "fsync=off"]
        self.process = subprocess.Popen(
            [str(self.binaries / "postgres"), "-D", str(data), *options],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "server.log", "wb"),  # noqa: SIM115 (closed with the process)
            **self.user,
        )
        wait_for_port(self.port, timeout=30.0, process=self.process)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database on this server: its URL."""
        import psycopg

        self.databases += 1
        name = f"feedback_{self.databases}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")  # a name made here, never from input
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: open client sessions are ended
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def postgres_server() -> Iterator[PostgresServer]:
    """For a module-scoped fixture: one server per test module, a fresh database per test."""
    server = PostgresServer(require_postgres())
    server.start()
    try:
        yield server
    finally:
        server.stop()
