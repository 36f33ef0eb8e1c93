"""The rehearsal's own processes and database (bench/rehearsal.py).

Every child runs in a process group of its own and is stopped through that group, by its id,
never by name: the machine's shared PostgreSQL and Redis are never touched. The rehearsal
always starts its own redis-server on a free port, and creates (and drops) its own database
on the PostgreSQL server that DATABASE_URL names.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(predicate: Callable[[], object], timeout: float = 60.0) -> bool:
    """Until ``predicate()`` is true (True) or ``timeout`` seconds passed (False). The tests'
    real processes use it too (tests/workers.py)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class StartError(RuntimeError):
    """A process did not come up; the message ends with the tail of its log."""


class Process:
    """A child process in its own process group, logging to ``log`` (appended on restart),
    ready once ``ready(self)`` says so."""

    def __init__(
        self, name: str, command: list[str], env: Mapping[str, str], log: Path,
        ready: Callable[["Process"], bool],
    ) -> None:  # fmt: skip
        self.name, self.command, self.env, self.log, self.ready = name, command, env, log, ready
        self.popen: subprocess.Popen[bytes] | None = None
        self.log_offset = 0

    def start(self, timeout: float = 60.0) -> None:
        self.log_offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.popen = subprocess.Popen(
                self.command, cwd=BASE_DIR, env=dict(self.env), stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        if not wait_for(lambda: self.alive and self.ready(self), timeout):
            tail = self.new_log()[-3000:]
            self.stop()
            raise StartError(f"{self.name} did not start within {timeout:.0f} s:\n{tail}")

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def new_log(self) -> str:
        """What the process wrote since its last start."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as log:
            log.seek(self.log_offset)
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        """kill -9 the whole group at once (a Celery worker and its pool children)."""
        self._signal(signal.SIGKILL, wait=10)

    def stop(self) -> None:
        if not self._signal(signal.SIGTERM, wait=20):
            self._signal(signal.SIGKILL, wait=10)

    def _signal(self, signum: int, wait: float) -> bool:
        if self.popen is None:
            return True
        with contextlib.suppress(ProcessLookupError):  # the group's id is the child's own pid
            os.killpg(self.popen.pid, signum)
        try:
            self.popen.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return False
        self.popen = None
        return True


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def http_ok(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def redis_server(port: int, workdir: Path, log: Path) -> Process:
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(workdir)]  # fmt: skip
    return Process("redis-server", command, os.environ, log, lambda _: redis_answers(port))


def gunicorn(port: int, env: Mapping[str, str], log: Path) -> Process:
    command = [str(VENV_BIN / "gunicorn"), "mila.wsgi:application", "--workers", "2",
               "--bind", f"127.0.0.1:{port}", "--timeout", "30",
               "--graceful-timeout", "5"]  # fmt: skip
    return Process("gunicorn", command, env, log, lambda _: http_ok(port, "/health/"))


def celery_worker(env: Mapping[str, str], log: Path) -> Process:
    command = [str(VENV_BIN / "celery"), "-A", "mila", "worker",
               "-Q", "default,matching,notifications,payments", "--concurrency", "2",
               "--without-gossip", "--without-mingle", "-n", f"rehearsal-{os.getpid()}@%h",
               "--loglevel", "INFO"]  # fmt: skip
    return Process("celery worker", command, env, log, lambda p: " ready." in p.new_log())


def celery_beat(env: Mapping[str, str], schedule: Path, log: Path) -> Process:
    command = [str(VENV_BIN / "celery"), "-A", "mila", "beat", "-s", str(schedule),
               "--loglevel", "INFO"]  # fmt: skip
    return Process("celery beat", command, env, log, lambda p: "beat: Starting" in p.new_log())


class Database:
    """A database of the rehearsal's own on the server ``server_url`` names (whichever
    database the URL names; it is managed from the server's ``postgres`` database)."""

    def __init__(self, server_url: str, name: str) -> None:
        self.name = name
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)

    def create(self) -> None:
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def terminate_connections(self) -> int:
        """End every connection to this database (the app's, the workers'); returns how many."""
        with self._admin() as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            ).fetchall()
        return len(rows)
