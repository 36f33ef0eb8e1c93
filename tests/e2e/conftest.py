"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped with a reason where /usr/bin/chromium is missing, except in CI (MILA_REQUIRE_SERVICES
or MILA_REQUIRE_BROWSER set), where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("MILA_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API keeps an event loop running in the test thread for the rest of the
# session; the ORM calls tests make are still plain synchronous code. (Tests that start a
# subprocess with deployment settings remove this variable from its environment.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
REQUIRE_BROWSER = REQUIRE_SERVICES or os.environ.get("MILA_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not shutil.which(CHROMIUM):
        reason = f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason} — CI requires the browser tests to run")
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # A Swiss visitor on a phone.
    return {
        **browser_context_args,
        "locale": "de-CH",
        "timezone_id": "Europe/Zurich",
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
