"""A day in miniature against real processes (DESIGN §11), with faults injected.

Starts, each on a free port and in a process group of its own: a redis-server, gunicorn (two
workers, DJANGO_ENV=production behind a pretend HTTPS proxy), a Celery worker on every queue
and Celery beat with short sweep intervals — all on a PostgreSQL database of the rehearsal's
own (``mila_rehearsal_<pid>`` on the server DATABASE_URL names), created, migrated and seeded
here and dropped at the end. E-mail goes to files, so each address's e-mails can be counted.
No Stripe keys: every booking is paid by invoice.

Then virtual customers book (at chosen times, and "as soon as possible" during the helpers'
day) in Swiss cities where virtual helpers live, who poll their offers and race to accept
them, and do some visits. Faults (``--fault worker|redis|db``, several allowed) are spread
over the load. After a drain, the invariants (mila/invariants.py) are checked; the exit code
is 1 if one is broken, 2 if the processes could not start or one died.

    .venv/bin/python bench/rehearsal.py                   # about 3 minutes
    .venv/bin/python bench/rehearsal.py --short --fault worker --fault redis --fault db
"""

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rehearsal_load import Accepts, Customer, Helper, Ledger, Plan
from bench.rehearsal_processes import (
    Database,
    Process,
    StartError,
    celery_beat,
    celery_worker,
    free_port,
    gunicorn,
    redis_server,
)
from bench.rehearsal_report import (
    Fault,
    emails_received,
    fault_lines,
    first_offer_lines,
    load_lines,
)

if TYPE_CHECKING:  # the seed module needs Django set up on the rehearsal's database first
    from bench.rehearsal_seed import Cast

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
FAULTS = ("worker", "redis", "db")
SWEEPS = {  # seconds: the outbox and matching sweeps run often, so faults heal within the run
    "NOTIFICATION_SWEEP_SECONDS": "5",
    "NOTIFICATION_RESEND_AFTER_SECONDS": "10",
    "MATCHING_SWEEP_SECONDS": "5",
    "REMINDER_SWEEP_SECONDS": "30",
}


@dataclass(frozen=True)
class Options:
    customers: int
    helpers: int
    seconds: float
    drain: float
    faults: tuple[str, ...]
    redis_outage: float
    grace: float
    keep_db: bool
    seed: int
    think: tuple[float, float]
    poll: tuple[float, float]


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, help="virtual customers (40; short: 12)")
    parser.add_argument("--helpers", type=int, help="virtual helpers (25; short: 9)")
    parser.add_argument("--seconds", type=float, help="length of the load (120; short: 28)")
    parser.add_argument("--fault", action="append", choices=FAULTS, default=[])
    parser.add_argument("--short", action="store_true", help="for CI: all in under a minute")
    parser.add_argument("--keep-db", action="store_true", help="keep the database and logs")
    parser.add_argument("--grace", type=float, default=15.0,
                        help="seconds a change may still be in flight at the check")  # fmt: skip
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the people")
    args = parser.parse_args(argv)
    short = args.short
    return Options(
        customers=args.customers or (12 if short else 40),
        helpers=args.helpers or (9 if short else 25),
        seconds=args.seconds or (28.0 if short else 120.0),
        drain=12.0 if short else 30.0,
        faults=tuple(dict.fromkeys(args.fault)),
        redis_outage=20.0,  # as long in CI as in the full run: the outage
        grace=args.grace,
        keep_db=args.keep_db,
        seed=args.seed,
        think=(3.0, 7.0) if short else (20.0, 40.0),
        poll=(0.5, 1.5) if short else (1.0, 2.5),
    )


class Rehearsal:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.workdir = Path(tempfile.mkdtemp(prefix="mila-rehearsal-"))
        self.mail_dir = self.workdir / "mail"
        self.mail_dir.mkdir()
        self.outer_env = dict(os.environ)
        server = self.outer_env.get("DATABASE_URL") or DEFAULT_SERVER
        self.database = Database(server, f"mila_rehearsal_{os.getpid()}")
        self.database_created = False
        self.processes: dict[str, Process] = {}
        self.ledger, self.accepts = Ledger(), Accepts()
        self.faults: list[Fault] = []
        self.web_port = free_port()
        self.keep_logs = False  # a process crashed: its traceback is in the logs
        self.faulting: set[str] = set()  # processes a fault has stopped on purpose
        self.crashes: list[str] = []

    # --- set-up ---------------------------------------------------------------------------

    def prepare_database(self) -> "Cast":
        self.database.create()
        self.database_created = True
        os.environ.update(DATABASE_URL=self.database.url, MILA_ENV_FILE="/nonexistent",
                          DJANGO_SETTINGS_MODULE="mila.settings")  # fmt: skip
        for name in ("REDIS_URL", "DJANGO_ENV", "EMAIL_URL"):  # this process works inline
            os.environ.pop(name, None)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from bench.rehearsal_seed import seed

        return seed(customers=self.options.customers, helpers=self.options.helpers,
                    rng=random.Random(self.options.seed))  # fmt: skip

    def child_env(self, redis_port: int) -> dict[str, str]:
        return {
            **self.outer_env, **SWEEPS,
            "DJANGO_ENV": "production", "SECURE_SSL_REDIRECT": "false",
            "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database.url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "EMAIL_URL": f"filemail:///{self.mail_dir}", "MILA_ENV_FILE": "/nonexistent",
            "API_THROTTLE_ANON": "100000/min", "API_THROTTLE_USER": "100000/min",
            "CELERY_BEAT_SCHEDULE_FILENAME": str(self.workdir / "beat-schedule"),
            "DJANGO_SETTINGS_MODULE": "mila.settings",
        }  # fmt: skip

    def start_processes(self) -> None:
        redis_port, logs = free_port(), self.workdir
        redis = redis_server(redis_port, self.workdir, logs / "redis.log")
        self.processes["redis"] = redis
        redis.start()
        env = self.child_env(redis_port)
        self.processes.update(
            web=gunicorn(self.web_port, env, logs / "gunicorn.log"),
            worker=celery_worker(env, logs / "worker.log"),
            beat=celery_beat(env, self.workdir / "beat-schedule", logs / "beat.log"),
        )
        with ThreadPoolExecutor(3) as pool:
            starting = [
                pool.submit(self.processes[name].start) for name in ("web", "worker", "beat")
            ]
            for started in starting:
                started.result()

    # --- the day --------------------------------------------------------------------------

    def load(self, cast: "Cast") -> float:
        """Run the people (and the faults) for the load's length; returns its seconds."""
        options = self.options
        plan = Plan(port=self.web_port, password=cast.password, postcodes=cast.postcodes,
                    services=cast.services, asap=cast.asap, think_seconds=options.think,
                    poll_seconds=options.poll)  # fmt: skip
        stop = threading.Event()
        people: list[threading.Thread] = [
            Customer(email, plan, self.ledger, stop, number=n, seed=options.seed + n)
            for n, email in enumerate(cast.customers)
        ]
        first = len(people)
        people += [
            Helper(email, plan, self.ledger, self.accepts, stop, number=first + n,
                   seed=options.seed + first + n)
            for n, email in enumerate(cast.helpers)
        ]  # fmt: skip
        started = time.monotonic()
        for person in people:
            person.start()
        faults = threading.Thread(target=self.inject_faults, args=(started,), daemon=True)
        faults.start()
        while time.monotonic() - started < options.seconds or faults.is_alive():
            self.supervise()
            time.sleep(0.2)
        stop.set()
        for person in people:
            person.join(timeout=35)
        return time.monotonic() - started

    def inject_faults(self, started: float) -> None:
        count = len(self.options.faults)
        for number, kind in enumerate(self.options.faults):
            at = started + self.options.seconds * (number + 0.4) / count
            time.sleep(max(0.0, at - time.monotonic()))
            self.faults.append(getattr(self, f"fault_{kind}")())

    def supervise(self) -> None:
        """Restart a process that exited on its own, as production's supervisor does
        (docker-compose.yml: restart: unless-stopped), and remember why it exited."""
        for name, process in self.processes.items():
            if name not in self.faulting and not process.alive:
                why = _last_critical(process.new_log())
                self.crashes.append(f"{name} at {time.strftime('%H:%M:%S')}: {why}")
                self.keep_logs = True
                process.start()

    def fault_worker(self) -> Fault:
        worker, began = self.processes["worker"], time.time()
        self.faulting.add("worker")
        worker.kill()
        time.sleep(2)
        worker.start()
        self.faulting.discard("worker")
        return Fault("worker", began, time.time(), "kill -9, restarted")

    def fault_redis(self) -> Fault:
        redis, began = self.processes["redis"], time.time()
        self.faulting.add("redis")
        redis.stop()
        time.sleep(self.options.redis_outage)
        redis.start()
        self.faulting.discard("redis")
        return Fault("redis", began, time.time(), f"down {self.options.redis_outage:.0f} s")

    def fault_db(self) -> Fault:
        began = time.time()
        ended = self.database.terminate_connections()
        time.sleep(3)  # the requests that meet a dead connection come now
        return Fault("db", began, time.time(), f"{ended} connections terminated")

    def drain(self) -> tuple[float, dict[str, int]]:
        """Wait until every e-mail is out and every search has someone asked (bounded)."""
        from django.db import connections

        from bench.rehearsal_seed import unsettled

        connections.close_all()  # the database fault ended this process's connection too
        began = time.monotonic()
        while (left := unsettled()) and time.monotonic() - began < self.options.drain:
            self.supervise()
            time.sleep(0.5)
        return time.monotonic() - began, left

    # --- the end --------------------------------------------------------------------------

    def report(self, cast: "Cast", seconds: float, drained: tuple[float, dict[str, int]]) -> int:
        from mila.invariants import check_all

        calls = self.ledger.snapshot()
        out = [*load_lines(calls, self.accepts, seconds)]
        out[1:1] = first_offer_lines()
        out += fault_lines(self.faults, calls)
        drain_seconds, left = drained
        out.append(f"drain: {drain_seconds:.1f} s" + (f", not settled: {left}" if left else ""))
        received = emails_received(self.mail_dir)
        out.append(f"e-mails written: {sum(received.values())} to {len(received)} addresses")
        if not cast.asap:
            out.append("no bookings as soon as possible: it is outside the helpers' day")
        invariants = check_all(grace=_seconds(self.options.grace), emails_received=received)
        out.append("invariants:")
        for invariant in invariants:
            out.append(f"  {len(invariant.breaches):5d}  {invariant.title}")
            out += [f"         {b.reference}: {b.reason}" for b in invariant.breaches[:10]]
        if self.crashes:
            out.append("crashed and restarted (as production's supervisor would):")
            out += [f"  {crash}" for crash in self.crashes]
        died = [name for name, process in self.processes.items() if not process.alive]
        if died:
            out.append("not running at the end: " + ", ".join(died))
        print("\n".join(out), flush=True)
        if died:
            return 2
        return 0 if all(invariant.holds for invariant in invariants) else 1

    def close(self, failed: bool) -> None:
        for name in ("beat", "worker", "web", "redis"):
            if name in self.processes:
                self.processes[name].stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        keep = self.options.keep_db or failed or self.keep_logs
        if self.database_created and not self.options.keep_db:
            self.database.drop()
        if keep:
            print(f"logs: {self.workdir}" + (f"; database: {self.database.name}"
                                             if self.options.keep_db else ""))  # fmt: skip
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _last_critical(log: str) -> str:
    """The message of the last CRITICAL line of a JSON log (why a process gave up)."""
    for line in reversed(log.splitlines()):
        if '"CRITICAL"' in line:
            with contextlib.suppress(ValueError):
                return str(json.loads(line)["message"])[:300]
            return line[:300]
    return "(no CRITICAL line in its log)"


def _seconds(value: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=value)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # stopped from outside: clean up all the same
    rehearsal = Rehearsal(options)
    began, code = time.monotonic(), 2
    print(f"Mila rehearsal: {options.customers} customers, {options.helpers} helpers, "
          f"{options.seconds:.0f} s of load, faults: {', '.join(options.faults) or 'none'}",
          flush=True)  # fmt: skip
    try:
        cast = rehearsal.prepare_database()
        rehearsal.start_processes()
        print(f"start-up: {time.monotonic() - began:.1f} s", flush=True)
        seconds = rehearsal.load(cast)
        code = rehearsal.report(cast, seconds, rehearsal.drain())
    except (StartError, psycopg.OperationalError) as error:
        print(f"could not start: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    finally:
        rehearsal.close(failed=code != 0)
    print(f"wall clock: {time.monotonic() - began:.1f} s, exit code {code}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
