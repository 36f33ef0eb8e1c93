"""Run jobs in threads released at the same moment, each with its own database connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(*jobs: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Each result is ("ok", value) or ("error", exception), in the order of the jobs."""
    barrier = threading.Barrier(len(jobs))
    results: list[tuple[str, Any]] = [("missing", None)] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", job())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results
