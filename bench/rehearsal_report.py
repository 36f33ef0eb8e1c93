"""What the rehearsal measured (bench/rehearsal.py): the figures of the load, each fault's
failures and recovery, the mail sink's count per address, the invariants. Reads the ledger of
calls and, once the run is over, the rehearsal's database."""

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

from bench.rehearsal_load import Accepts, Call

MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # how Django's file backend ends each message


@dataclass
class Fault:
    """One injected fault: what, and when it began and ended (time.time())."""

    kind: str
    started: float
    ended: float
    note: str = ""


def percentiles(values: Iterable[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "n/a"
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def emails_received(mail_dir: Path) -> Counter[str]:
    """E-mails the file backend wrote, per recipient address (lower case)."""
    received: Counter[str] = Counter()
    for path in sorted(mail_dir.glob("*")):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                for address in str(message_from_bytes(chunk).get("To", "")).split(","):
                    if address.strip():
                        received[address.strip().lower()] += 1
    return received


def is_failure(call: Call) -> bool:
    return call.status == 0 or call.status >= 500


def load_lines(calls: list[Call], accepts: Accepts, seconds: float) -> list[str]:
    booked = [c for c in calls if c.kind == "book" and c.status in (200, 201)]
    by_kind = Counter(c.kind for c in calls)
    refused = Counter(f"{c.status} {c.code}".strip() for c in calls if 300 <= c.status < 500)
    failed = Counter(c.kind for c in calls if is_failure(c))
    lines = [
        f"bookings: {len(booked)} in {seconds:.0f} s = {len(booked) / seconds:.2f} bookings/s",
        f"accepts: {sum(accepts.outcomes.values())} ({_counts(accepts.outcomes)}), "
        f"request time {percentiles(accepts.seconds)}",
        f"requests: {len(calls)} ({_counts(by_kind)})",
        f"5xx or no answer: {sum(failed.values())}" + (f" ({_counts(failed)})" if failed else ""),
        f"other non-2xx: {sum(refused.values())}" + (f" ({_counts(refused)})" if refused else ""),
    ]
    return lines


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in counter.most_common())


def first_offer_lines() -> list[str]:
    """Seconds from each booking's creation to its first offer (database timestamps), and
    where the bookings are now (those without an offer: cancelled first, or nobody free)."""
    from django.db.models import Min

    from bookings.models import Booking

    rows = list(Booking.objects.annotate(first_offer=Min("offers__sent_at")))
    latencies = [(r.first_offer - r.created_at).total_seconds() for r in rows if r.first_offer]
    without = Counter(r.status for r in rows if r.first_offer is None)
    return [
        f"booking → first offer: {percentiles(latencies)} ({len(latencies)} bookings)",
        f"bookings now: {_counts(Counter(r.status for r in rows))}"
        + (f"; without an offer: {_counts(without)}" if without else ""),
    ]


def fault_lines(faults: list[Fault], calls: list[Call]) -> list[str]:
    """Per fault: the calls that failed while it lasted, and how long after its end the
    first booking succeeded, the first e-mail went out, and every notification created
    during it was delivered."""
    from django.db.models import Count, Max, Min, Q

    from notifications.models import Notification

    lines = []
    for fault in faults:
        during = [
            c for c in calls if c.started <= fault.ended and c.started + c.seconds >= fault.started
        ]
        booked = [
            c.started + c.seconds
            for c in calls
            if c.kind == "book" and c.status in (200, 201) and c.started >= fault.ended
        ]
        ended = datetime.fromtimestamp(fault.ended, UTC)
        first = Notification.objects.filter(delivered_at__gte=ended).aggregate(
            at=Min("delivered_at")
        )
        caught_up = Notification.objects.filter(
            send_email=True, created_at__range=(datetime.fromtimestamp(fault.started, UTC), ended)
        ).aggregate(at=Max("delivered_at"), waiting=Count("pk", filter=Q(delivered_at=None)))
        all_out = (
            f"{caught_up['waiting']} still undelivered"
            if caught_up["waiting"]
            else _after_dt(caught_up["at"], ended)
            if caught_up["at"]
            else "(none were made)"
        )
        lines.append(
            f"fault {fault.kind} ({fault.note}, {fault.ended - fault.started:.1f} s): "
            f"{sum(map(is_failure, during))} of {len(during)} requests failed; after its end "
            f"first booking {_after(min(booked, default=None), fault.ended)}, "
            f"first e-mail {_after_dt(first['at'], ended)}, "
            f"its notifications all out {all_out}"
        )
    return lines


def _after(moment: float | None, since: float) -> str:
    return "never" if moment is None else f"+{max(moment - since, 0):.1f} s"


def _after_dt(moment: datetime | None, since: datetime) -> str:
    return "never" if moment is None else f"+{max((moment - since).total_seconds(), 0):.1f} s"
