"""The Celery application. Configuration comes from ``CELERY_*`` in mila/settings.py."""

import os
from logging.config import dictConfig
from typing import Any

from celery import Celery, signals
from django.conf import settings

from mila.logs import task_failed, task_finished, task_started

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mila.settings")

app = Celery("mila")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _use_django_logging(**kwargs: Any) -> None:
    """Workers and beat log like the web processes (settings.LOGGING: JSON in production)
    instead of Celery's own format."""
    dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def _task_prerun(task_id: str, task: Any, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    task_started(task, task_id, args, kwargs)


@signals.task_failure.connect
def _task_failure(sender: Any, exception: BaseException, **_: Any) -> None:
    task_failed(sender, exception)


@signals.task_postrun.connect
def _task_postrun(task: Any, state: str | None = None, **_: Any) -> None:
    """One log line per task (mila/logs.py)."""
    task_finished(task, state)
