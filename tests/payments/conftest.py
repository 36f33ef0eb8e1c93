"""Fixtures for the payment tests: a localstripe server (a stand-in for the Stripe API) for the
whole session, and ``stripe_on``, the settings that point the Stripe adapter at it.

localstripe keeps its objects in memory and writes them after every change to the fixed path
``/tmp/localstripe.pickle`` (which the next start would load again). The server is therefore
started from a small launcher that points that file into the session's temporary directory,
with ``--from-scratch``, so no run sees another run's (or another project's) objects."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from tests.conftest import skip_unless

TEST_SECRET_KEY = "sk_test_mila_localstripe"

# localstripe's own entry point, but with its store file in the directory given first.
LAUNCHER = """
import pickle, sys
from localstripe import resources, server
path = sys.argv.pop(1) + "/localstripe.pickle"
def dump(self):
    with open(path, "wb") as f:
        pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)
resources.Store.dump_to_disk = dump
resources.Store.try_load_from_disk = lambda self: None
server.start()
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        f"{url}/v1/customers", headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _start(workdir: Path) -> tuple[subprocess.Popen[bytes] | None, str, str]:
    """(process, url, why it did not start)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (workdir / "localstripe.log").open("wb")
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(workdir), "--port", str(port), "--from-scratch"],
            cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env={**os.environ},
        )  # fmt: skip
    except OSError as error:
        return None, url, f"localstripe could not be run: {error}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (workdir / "localstripe.log").read_text(errors="replace")[-500:]
            return None, url, f"localstripe exited with {process.returncode}: {tail}"
        if _answers(url):
            return process, url, ""
        time.sleep(0.1)
    process.terminate()
    process.wait(5)
    return None, url, "localstripe did not answer within 15 s"


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a localstripe server that lives as long as the test session."""
    process, url, problem = _start(tmp_path_factory.mktemp("localstripe"))
    skip_unless(process is not None, f"needs localstripe ({problem})")
    assert process is not None
    try:
        yield url
    finally:
        process.terminate()  # this process only, by its PID
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def stripe_on(settings: Any, localstripe: str) -> str:
    """Card payments on, against localstripe: the Stripe gateway is available."""
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_mila_localstripe"
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_NETWORK_RETRIES = 0
    return localstripe


@pytest.fixture
def in_english() -> Iterator[None]:
    """For tests that assert messages in English (the site's default is German)."""
    with translation.override("en"):
        yield
