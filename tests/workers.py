"""Real processes for tests: a private redis-server on a free port, and a Celery worker
against the test database. Both are stopped by their own PID, never by name, so the machine's
shared Redis and PostgreSQL are never touched."""

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import pools

from bench.rehearsal_processes import free_port, wait_for
from mila.celery import app as celery_app


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


class RedisServer:
    """A throwaway redis-server that can be stopped and started again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_for(self._answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def worker_env(redis_url: str, mail_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker process that uses the test database and ``redis_url``."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "MILA_ENV_FILE": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "mila.settings",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def celery_worker(
    env: dict[str, str], log: Path, *, queues: str, beat: bool = False, purge: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker process (with an embedded beat if asked, and first emptying its queues of what
    earlier runs left behind if asked), ready before this yields."""
    command = [
        sys.executable, "-m", "celery", "-A", "mila", "worker", "-Q", queues, "-P", "solo",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"test-{uuid.uuid4().hex[:8]}@%h", "--loglevel", "INFO",
    ]  # fmt: skip
    if beat:
        command += ["-B", "-s", str(log.with_suffix(".schedule"))]
    if purge:
        command.append("--purge")
    with log.open("w") as output:
        worker = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            assert wait_for(lambda: " ready." in log.read_text()), log.read_text()
            yield worker
        finally:
            worker.terminate()
            worker.wait(timeout=20)


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Send this process's tasks to ``broker_url`` instead of running them inline. (With the
    broker down a publish gives up at once: see CELERY_TASK_PUBLISH_RETRY.)"""
    conf = celery_app.conf
    saved = conf.broker_url
    conf.broker_url = broker_url
    conf.task_always_eager = False
    _forget_connections()
    try:
        yield
    finally:
        conf.broker_url = saved
        conf.task_always_eager = True
        _forget_connections()


def _forget_connections() -> None:
    """Celery keeps its broker connections and producers in pools made for one URL."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()
