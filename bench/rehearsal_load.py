"""The rehearsal's people (bench/rehearsal.py): virtual customers who book through the REST
API and virtual helpers who poll their offers, race each other to accept them, and do some
of the visits. Each is a thread with its own HTTP connection (the standard library's
http.client) and a real session: signed in through allauth's headless app login, calling
with the X-Session-Token it got. Every call is written to the shared ledger."""

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ZURICH = ZoneInfo("Europe/Zurich")
LOGIN = "/_allauth/app/v1/auth/login"


@dataclass(frozen=True)
class Call:
    kind: str  # "book", "offers", "accept", ...
    started: float  # time.time()
    seconds: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    code: str = ""  # the problem type of a refusal ("taken", "coverage", ...)


@dataclass
class Ledger:
    """Every call of the run, from every thread."""

    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)


@dataclass(frozen=True)
class Plan:
    """What the people may do: where customers live, what they book, how busy they are."""

    port: int
    password: str
    postcodes: list[str]
    services: list[tuple[str, bool]]  # slug, pro only
    asap: bool  # "as soon as possible" can be booked now (helpers' day)
    think_seconds: tuple[float, float]  # a customer's pause between two bookings
    poll_seconds: tuple[float, float]  # a helper's pause between two looks at the offers


def client_address(number: int) -> str:
    """Each person calls from an address of their own (all of 127.0.0.0/8 is this machine),
    as people on their own phones do: sign-in rate limits count per address. It is also
    sent as X-Forwarded-For, as the proxy would, for a site that trusts its proxy."""
    return f"127.0.{1 + number // 250}.{2 + number % 250}"


class Api:
    """One person's connection to the site, behind the proxy that speaks HTTPS."""

    def __init__(self, plan: Plan, ledger: Ledger, number: int) -> None:
        self.plan, self.ledger = plan, ledger
        self.address = client_address(number)
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", plan.port, timeout=30, source_address=(self.address, 0)
        )
        self.token = ""
        self.last_code = ""  # the problem type of this connection's last refusal

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        sent = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address,
                "Accept": "application/json", "Accept-Language": "en",
                **(headers or {})}  # fmt: skip
        if self.token:
            sent["X-Session-Token"] = self.token
        payload = None if body is None else json.dumps(body).encode()
        if payload is not None:
            sent["Content-Type"] = "application/json"
        started, clock = time.time(), time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=sent)
            response = self.connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # reopened by the next request
            self.ledger.add(Call(kind, started, time.perf_counter() - clock, 0))
            return 0, None
        data = _json(raw)
        code = ""
        if status >= 400 and isinstance(data, dict):
            code = str(data.get("type", "")).rsplit("/", 1)[-1]
        self.last_code = code
        self.ledger.add(Call(kind, started, time.perf_counter() - clock, status, code))
        return status, data

    def sign_in(self, email: str, stop: threading.Event) -> bool:
        while not stop.is_set():
            status, data = self.call("login", "POST", LOGIN,
                                     {"email": email, "password": self.plan.password})  # fmt: skip
            if status == 200:
                self.token = data["meta"]["session_token"]
                return True
            stop.wait(1.0)
        return False


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def scheduled_start(rng: random.Random, now: datetime, minutes: int) -> datetime:
    """A start customers can book: on the half hour, in the helpers' day (07:00–21:00, the
    visit ending by 21:00), from 2.5 hours to two weeks ahead."""
    while True:
        day = (now + timedelta(days=rng.randint(0, 13))).astimezone(ZURICH).date()
        slot = rng.randrange(7 * 60, 21 * 60 - minutes + 1, 30)
        start = datetime(day.year, day.month, day.day, slot // 60, slot % 60, tzinfo=ZURICH)
        if start - now >= timedelta(hours=2, minutes=30):
            return start


class Customer(threading.Thread):
    """Books a visit now and then, mostly at a chosen time, some "as soon as possible";
    cancels one of them once in a while."""

    def __init__(self, email: str, plan: Plan, ledger: Ledger, stop: threading.Event,
                 number: int, seed: int) -> None:  # fmt: skip
        super().__init__(name=f"customer {email}", daemon=True)
        self.email, self.stop = email, stop
        self.api, self.rng = Api(plan, ledger, number), random.Random(seed)
        self.booked: list[str] = []

    def run(self) -> None:
        if not self.api.sign_in(self.email, self.stop):
            return
        while not self.stop.wait(self.rng.uniform(*self.api.plan.think_seconds)):
            self.book()
            if self.booked and self.rng.random() < 0.1:
                self.cancel(self.booked.pop(self.rng.randrange(len(self.booked))))

    def book(self) -> None:
        plan, rng = self.api.plan, self.rng
        slug, pro_only = rng.choice(plan.services)
        asap = plan.asap and rng.random() < 0.4
        body = {
            "service": slug, "tier": "pro" if pro_only or rng.random() < 0.2 else "friend",
            "problem": "The Wi-Fi drops every evening and the TV cannot find it.",
            "street": f"Bahnhofstrasse {rng.randint(1, 90)}",
            "postcode": rng.choice(plan.postcodes),
            "country": "CH", "phone": "079 123 45 67", "timing": "asap" if asap else "scheduled",
            "payment_method": "invoice",
        }  # fmt: skip
        if not asap:
            body["starts_at"] = scheduled_start(rng, datetime.now(ZURICH), 120).isoformat()
        key = {"Idempotency-Key": str(uuid.uuid4())}
        status, data = self.api.call("book", "POST", "/api/v1/bookings/", body, key)
        if status == 0:  # the answer was lost: the same key again books nothing more
            status, data = self.api.call("book", "POST", "/api/v1/bookings/", body, key)
        if status in (200, 201):
            self.booked.append(data["reference"])

    def cancel(self, reference: str) -> None:
        path = f"/api/v1/bookings/{reference}/cancellation/"
        status, terms = self.api.call("cancellation", "GET", path)
        if status == 200:
            self.api.call("cancel", "POST", f"/api/v1/bookings/{reference}/cancel/",
                          {"expected_fee": terms["fee"], "reason": "It works again."})  # fmt: skip


@dataclass
class Accepts:
    """What the helpers' accepts came to, and how long each took (client side)."""

    seconds: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, outcome: str) -> None:
        with self._lock:
            self.seconds.append(seconds)
            self.outcomes[outcome] += 1


class Helper(threading.Thread):
    """Looks at their offers every second or two and takes most of them, a moment after
    seeing them (so helpers offered the same job race each other); says no to a few. Half
    of the helpers also do their "as soon as possible" visits at once: on my way, start,
    complete."""

    def __init__(self, email: str, plan: Plan, ledger: Ledger, accepts: Accepts,
                 stop: threading.Event, number: int, seed: int) -> None:  # fmt: skip
        super().__init__(name=f"helper {email}", daemon=True)
        self.email, self.accepts, self.stop = email, accepts, stop
        self.api, self.rng = Api(plan, ledger, number), random.Random(seed)
        self.does_visits = self.rng.random() < 0.5

    def run(self) -> None:
        if not self.api.sign_in(self.email, self.stop):
            return
        while not self.stop.wait(self.rng.uniform(*self.api.plan.poll_seconds)):
            status, page = self.api.call("offers", "GET", "/api/v1/helper/offers/")
            if status != 200:
                continue
            offers = list(page["results"])
            self.rng.shuffle(offers)
            for offer in offers:
                if self.stop.is_set():
                    return
                self.answer(offer)

    def answer(self, offer: dict[str, Any]) -> None:
        reference = offer["reference"]
        if self.rng.random() < 0.1:
            self.api.call("decline", "POST", f"/api/v1/helper/offers/{reference}/decline/",
                          {"reason": "busy"})  # fmt: skip
            return
        self.stop.wait(self.rng.uniform(0.0, 0.3))
        started = time.perf_counter()
        status, job = self.api.call("accept", "POST", f"/api/v1/helper/offers/{reference}/accept/")
        seconds = time.perf_counter() - started
        self.accepts.add(seconds, "won" if status == 200 else self.api.last_code or str(status))
        if status == 200 and self.does_visits and job["timing"] == "asap":
            self.visit(reference)

    def visit(self, reference: str) -> None:
        path = f"/api/v1/helper/jobs/{reference}"
        steps = [
            ("on_my_way", f"{path}/on-my-way/", {"eta_minutes": 15}),
            ("start", f"{path}/start/", {"door_checked": True}),
            ("complete", f"{path}/complete/", {
                "worked_minutes": 60, "devices": ["Internet-Box 3"],
                "work_done": "Router moved to the hall and a repeater set up upstairs.",
            }),
        ]  # fmt: skip
        for kind, url, body in steps:
            status, _ = self.api.call(kind, "POST", url, body)
            if status != 200:
                return
