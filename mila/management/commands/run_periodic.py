"""Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process, for the embedded mode
(``make run``: no Redis, no beat, tasks run inline). Expired offers then lead to the next
wave, and a booking nobody took becomes unfulfilled, on a laptop as on the servers.

With Redis, run ``celery beat`` instead (``make beat``): it sends the same schedule to the
workers.
"""

import time
from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run the periodic tasks (CELERY_BEAT_SCHEDULE) inline, for the embedded mode."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every task once and stop")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("Tasks go to a broker here: `make beat` runs the periodic ones.")
            return
        schedule = {
            name: (entry["task"], float(entry["schedule"]))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        due = dict.fromkeys(schedule, 0.0)
        self.stdout.write(f"Running {len(schedule)} periodic tasks inline: {', '.join(schedule)}")
        while True:
            now = time.monotonic()
            for name, (task, every) in schedule.items():
                if due[name] <= now:
                    self._run(name, task)
                    due[name] = now + every
            if options["once"]:
                return
            time.sleep(max(min(due.values()) - time.monotonic(), 0.5))

    def _run(self, name: str, task: str) -> None:
        # As between requests: drop a connection that broke or outlived CONN_MAX_AGE, so one
        # lost connection does not fail every later run (never one inside a transaction).
        for conn in connections.all(initialized_only=True):
            if not conn.in_atomic_block:
                conn.close_if_unusable_or_obsolete()
        try:
            import_string(task).apply(throw=True)
        except Exception as error:  # keep the schedule going; the next run retries
            self.stderr.write(f"{name}: {type(error).__name__}: {error}")
