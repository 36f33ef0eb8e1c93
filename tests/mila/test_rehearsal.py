"""The rehearsal (bench/rehearsal.py) in its short form, with every fault: a real gunicorn,
Celery worker and beat, its own redis-server and its own PostgreSQL database (never the test
database), and the invariants must hold at the end."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import skip_unless

SCRIPT = Path(settings.BASE_DIR) / "bench" / "rehearsal.py"
TIMEOUT = 90  # seconds; the short rehearsal takes about 55


def postgres_server() -> str | None:
    """The PostgreSQL server the tests use, as the rehearsal takes it (it makes its own
    database there)."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.mark.services
def test_the_short_rehearsal_with_every_fault_keeps_the_invariants() -> None:
    server = postgres_server()
    skip_unless(server is not None, "needs PostgreSQL (set DATABASE_URL)")
    skip_unless(shutil.which("redis-server") is not None, "needs redis-server")
    command = [sys.executable, str(SCRIPT), "--short",
               "--fault", "worker", "--fault", "redis", "--fault", "db"]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": str(server)}
    rehearsal = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = rehearsal.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        rehearsal.send_signal(signal.SIGTERM)  # it stops its processes and drops its database
        output, _ = rehearsal.communicate(timeout=60)
        pytest.fail(f"the rehearsal took longer than {TIMEOUT} s:\n{output}")

    assert rehearsal.returncode == 0, output
    assert "0  bookings with two helpers" in output
