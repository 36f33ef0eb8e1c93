"""Logs an operator can search: one JSON object a line, one line per request and per task.

``LOG_FORMAT=json`` (the production default, settings.LOGGING) formats every record with
``JsonFormatter``: the message, level, logger, time, the fields passed with ``extra=`` and the
traceback as text in ``exception``. While a request or a task runs, its id (and the booking it
is about, where the URL or the task's arguments name one) is added to every record it logs, so
a warning deep in a service can be traced to the request that caused it.

The request line comes from ``RequestLogMiddleware`` (logger ``mila.request``), the task line
from the Celery signals connected in mila/celery.py (logger ``mila.task``). Both only read
what is already in memory: no query, no cache call.
"""

import contextvars
import inspect
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_logger = logging.getLogger("mila.request")
task_logger = logging.getLogger("mila.task")

# What the running request or task is, added to each record it logs (JsonFormatter).
log_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "mila_log_context", default=None
)

# LogRecord's own attributes; everything else on a record came with ``extra=``.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}

# A request id from the proxy is kept if it looks like one (Caddy sends a UUID); anything else
# (too long, odd characters: someone typing into a header) is replaced by our own.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# The URL keyword that names a booking (bookings/urls.py, bookings/api/urls_*.py,
# reviews/urls.py: customer pages, helper jobs and offers all use the booking's reference).
BOOKING_URL_KWARG = "reference"

# Task arguments worth a field of their own. Others (an e-mail's payload) stay out of the log.
LOGGED_TASK_ARGUMENTS = ("booking_id", "notification_id")

HEALTH_PATH = "/health/"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: what happened, where, and in which request or task."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(log_context.get() or {})
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: Django passes the request object along with its error records.
        return json.dumps(entry, default=str, ensure_ascii=False)


def request_id_from(request: HttpRequest) -> str:
    """The proxy's X-Request-ID (it is in the proxy's log too), or a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """One line per request: method, path (no query string: it can carry tokens), status,
    duration, user id, booking reference, request id. First in MIDDLEWARE so the duration
    covers every other middleware too.

    The proxy's health checks are logged only when they fail: every ten seconds they would
    otherwise drown the lines people are looking for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_from(request)
        token = log_context.set({"request_id": request_id})
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request.path != HEALTH_PATH or response.status_code != 200:
                self._log(request, response, started)
            return response
        finally:
            log_context.reset(token)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, started: float) -> None:
        status = response.status_code
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
        }
        match = request.resolver_match
        if match is not None and BOOKING_URL_KWARG in match.kwargs:
            fields["booking"] = match.kwargs[BOOKING_URL_KWARG]
        level = logging.ERROR if status >= 500 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra=fields,
        )


def _user_id(request: HttpRequest) -> Any:
    """The signed-in user's id, from what the request already loaded.

    ``request.user`` is lazy: evaluating it here for a view that never looked would cost a
    session read and a query. Then the session, if the view read it, still has the id."""
    user: Any = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is not empty:
        return wrapped.pk if wrapped.is_authenticated else None
    session_data = getattr(request.__dict__.get("session"), "_session_cache", None)
    if isinstance(session_data, dict) and SESSION_KEY in session_data:
        return session_data[SESSION_KEY]
    return None


# --- Celery tasks (connected in mila/celery.py) -------------------------------------------------


@cache
def _argument_names(task_name: str, run: Callable[..., Any]) -> tuple[str, ...]:
    """The names of a task's positional parameters: tasks are called as ``task.delay(pk)``."""
    return tuple(inspect.signature(run).parameters)


def task_fields(task: Any, args: tuple[Any, ...] | None, kwargs: dict[str, Any] | None) -> dict:
    """The ids a task is about, by the names of its parameters."""
    named = dict(zip(_argument_names(task.name, task.run), args or (), strict=False))
    named.update(kwargs or {})
    return {name: named[name] for name in LOGGED_TASK_ARGUMENTS if name in named}


def task_started(task: Any, task_id: str, args: tuple | None, kwargs: dict | None) -> None:
    """``task_prerun``: start the clock; the task's own log records carry its id from now."""
    # An inline task (eager Celery) keeps the request id of the request that ran it.
    context = {
        **(log_context.get() or {}),
        "task": task.name,
        "task_id": task_id,
        **task_fields(task, args, kwargs),
    }
    task.request.mila_log = (time.perf_counter(), log_context.set(context), context)


def task_failed(task: Any, exception: BaseException) -> None:
    """``task_failure``: remember why, for the task's one line (Celery logs the traceback)."""
    task.request.mila_error = f"{type(exception).__name__}: {exception}"


def task_finished(task: Any, state: str | None) -> None:
    """``task_postrun``: the task's line, with how it ended and how long it took."""
    started_with = getattr(task.request, "mila_log", None)
    if started_with is None:  # the task never started (refused before task_prerun)
        return
    started, token, context = started_with
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    error = getattr(task.request, "mila_error", None)
    in_flight = sys.exception()
    if state is None and in_flight is not None:
        # An inline (eager) task that raises skips task_failure and ends without a state.
        state, error = "FAILURE", f"{type(in_flight).__name__}: {in_flight}"
    fields = {
        **context,
        "state": state,
        "duration_ms": duration_ms,
        "retries": task.request.retries or 0,
    }
    if error:
        fields["error"] = error
    log_context.reset(token)
    level = logging.ERROR if state == "FAILURE" else logging.INFO
    task_logger.log(level, "%s %s %.1fms", task.name, state, duration_ms, extra=fields)
