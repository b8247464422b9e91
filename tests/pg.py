"""A real PostgreSQL server for the tests: Debian's binaries, a temporary cluster on 127.0.0.1.

`PostgresServer.start()` runs `initdb -A trust` into a fresh temporary directory and starts the
server on a free loopback port (its unix socket in that directory too); `create_database()`
gives every test a database of its own; `stop()` stops the server and removes the directory.
When the binaries are missing, Debian's `postgresql` package is installed with apt-get (CI is a
fresh machine). initdb refuses to run as root, so under root the cluster belongs to an
unprivileged system user (`postgres`, which the Debian package creates, else `nobody`).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "postgres"  # the cluster's superuser role (initdb -U), whoever owns the files
_SERVER_SETTINGS = {  # a throwaway cluster: durability off, loopback only
    "listen_addresses": "127.0.0.1", "fsync": "off", "synchronous_commit": "off",
    "full_page_writes": "off", "max_connections": "200", "log_min_messages": "warning",
    # not UTC, so a timestamp that depends on the server's zone shows up in the tests
    "timezone": "Asia/Kathmandu",
}


def _bin_dirs() -> list[Path]:
    """Installed PostgreSQL versions' bin directories, newest first."""
    found = [Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "initdb").exists()]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in path.parent.name.split(".") if x.isdigit())

    return sorted(found, key=version, reverse=True)


def ensure_postgres() -> Path:
    """The newest installed PostgreSQL bin dir; Debian's `postgresql` installed when missing."""
    if dirs := _bin_dirs():
        return dirs[0]
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(f"no PostgreSQL in {BIN_GLOB} and apt-get is not available to install it")
    if os.geteuid() != 0:
        pytest.fail(f"no PostgreSQL in {BIN_GLOB}: install it (apt-get install postgresql) as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "postgresql"]):
        done = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)
        if done.returncode != 0:
            pytest.fail(f"could not install postgresql ({' '.join(args[1:])} exited "
                        f"{done.returncode}): {done.stderr.strip()[-800:]}")
    if not (dirs := _bin_dirs()):
        pytest.fail(f"apt-get installed postgresql but {BIN_GLOB}/initdb is still missing")
    return dirs[0]


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    pytest.fail("running as root and neither a 'postgres' nor a 'nobody' user exists to own "
                "the test cluster (initdb refuses root)")


def _run_as_prefix(user: pwd.struct_passwd | None) -> list[str]:
    """The command prefix that drops root to `user` (empty when not root)."""
    if user is None:
        return []
    if setpriv := shutil.which("setpriv"):
        return [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"]
    if runuser := shutil.which("runuser"):
        return [runuser, "-u", user.pw_name, "--"]
    pytest.fail("running as root without setpriv or runuser (util-linux) to start PostgreSQL "
                "as an unprivileged user")


def _owned_temp_dir(user: pwd.struct_passwd | None) -> Path:
    """A fresh temporary directory the cluster's user owns and can reach."""
    candidates = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"]
    for base in dict.fromkeys(candidates):
        if not os.path.isdir(base):
            continue
        path = Path(tempfile.mkdtemp(prefix="assistant-pg-", dir=base))
        if user is None:
            return path
        os.chown(path, user.pw_uid, user.pw_gid)
        probe = subprocess.run([*_run_as_prefix(user), "test", "-w", str(path)], capture_output=True)
        if probe.returncode == 0:
            return path
        shutil.rmtree(path, ignore_errors=True)  # a parent the user cannot traverse: next one
    pytest.fail(f"no temporary directory that user {user.pw_name} can write to")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One throwaway PostgreSQL cluster on 127.0.0.1 (see the module docstring)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.user = _unprivileged_user() if os.geteuid() == 0 else None
        self.root = _owned_temp_dir(self.user)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)

    @classmethod
    def start(cls) -> PostgresServer:
        """Create the cluster and start the server (a clear failure with its log otherwise)."""
        server = cls(ensure_postgres())
        try:
            server._initdb()
            for _attempt in range(3):  # a free port can be taken between choosing and binding
                server.port = _free_port()
                if server._pg_ctl("start", "-w", "-t", "60", "-l", str(server.log), "-o",
                                  server._options()).returncode == 0:
                    return server
            pytest.fail(f"PostgreSQL did not start:\n{server.output()}")
        except BaseException:
            server.stop()
            raise

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "HOME": str(self.root), "TZ": "UTC"}
        return subprocess.run([*_run_as_prefix(self.user), *args], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=self.root)

    def _initdb(self) -> None:
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                         "-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--no-sync")
        if done.returncode != 0:
            pytest.fail(f"initdb failed ({done.returncode}): {done.stderr.strip()[-800:]}")

    def _options(self) -> str:
        settings = {**_SERVER_SETTINGS, "port": str(self.port), "unix_socket_directories": str(self.root)}
        return " ".join(f"-c {name}={value}" for name, value in settings.items())

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args)

    def output(self) -> str:
        """The end of the server's log."""
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-3000:]
        return ""

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server (driver: psycopg 3)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        """Run one statement outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"test_{next(self._names)}_{uuid.uuid4().hex[:8]}"
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown, then by its pid) and remove the cluster's files."""
        if self.port and (self.data / "postmaster.pid").exists():
            done = self._pg_ctl("stop", "-m", "fast", "-w", "-t", "30")
            if done.returncode != 0:
                self._kill_postmaster()
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 9)
            for _ in range(50):
                os.kill(pid, 0)  # raises once it is gone
                time.sleep(0.1)
