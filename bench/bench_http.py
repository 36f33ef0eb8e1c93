"""Pages under load (make bench): Mila's pages against a bare Django "ok" view, same server.

Both run in gunicorn (2 sync workers) with production settings — SSL redirect off, the client
sends ``X-Forwarded-Proto: https`` as the proxy does — on a database of their own: PostgreSQL
when DATABASE_URL names one (a throw-away database on that server), else SQLite; with
REDIS_URL set, the cache and broker are a redis-server of this script's own on a free port
(nothing in a shared Redis is touched). The load generator is wrk (Debian's ``wrk``), 2 threads
and 16 connections for each page: first at full speed (the page's peak), then paced to half of
that peak, where the p99 latency is the one that counts. Logged-in pages use real sessions from
signing in through the login form.

Prints, for each page, req/s and its ratio to the bare view in the same run (the mean of a bare
run before and after the pages), p50/p99 at peak, the rate and p99 at half peak, non-2xx
responses, and whether the issue-13 target holds: anonymous pages >= 50 %, logged-in pages >=
20 %, none < 10 %, p99 <= 100 ms at half peak.

    BENCH_HTTP_SECONDS=10 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/bench_http.py
"""

import http.client as http_client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "8"))
CONNECTIONS, THREADS = 16, 2
PASSWORD = "mila-demo-2026"  # customers/demo.py DEMO_PASSWORD
LANGUAGE = "de-CH,de;q=0.9,en;q=0.5"
TARGETS = {"anonymous": 0.50, "signed in": 0.20}
FLOOR, P99_MS = 0.10, 100.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], http: bool, timeout: float = 60.0
) -> None:
    """Until the server answers: a connection (Redis), or an HTTP response — gunicorn listens
    before its workers have loaded Django."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench_http: a process on port {port} exited ({process.returncode})")
        try:
            if http:
                conn = http_client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/health/", headers={"X-Forwarded-Proto": "https"})
                conn.getresponse().read()
                conn.close()
            else:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"bench_http: nothing answered on port {port} within {timeout:.0f} s")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """A server in its own process group, its output in ``log``, stopped by its PID."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=out
        )
    try:
        wait_for_port(port, process, http=command[0].endswith("gunicorn"))
        yield
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def database() -> Iterator[str]:
    """A database of this run's own: on the PostgreSQL server of DATABASE_URL, or SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="mila-bench-http-") as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    import psycopg

    name = f"mila_bench_http_{os.getpid()}"
    server = urlsplit(url)
    admin = server._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis() -> Iterator[str]:
    """With REDIS_URL set: a redis-server of this run's own (the shared one stays untouched)."""
    if not os.environ.get("REDIS_URL"):
        yield ""
        return
    if shutil.which("redis-server") is None:
        raise SystemExit("bench_http: REDIS_URL is set but redis-server is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mila-bench-redis-") as tmp:
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", tmp]  # fmt: skip
        with running(command, dict(os.environ), port, Path(tmp) / "redis.log"):
            yield f"redis://127.0.0.1:{port}/0"


# --- A small HTTP client for signing in and finding the pages (wrk does the load) ----------


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": LANGUAGE,
                   "Host": f"127.0.0.1:{self.port}"}  # fmt: skip
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf_token, **form}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
        conn = http_client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.getheader("Location") or "", text

    def get(self, path: str) -> str:
        status, location, text = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"bench_http: GET {path} answered {status} {location}")
        return text

    def post(self, path: str, form: dict[str, str]) -> str:
        self.get(path)  # the CSRF cookie
        status, location, text = self.request("POST", path, form)
        if status != 302:
            raise SystemExit(f"bench_http: POST {path} answered {status}: {text[:2000]}")
        return location

    @property
    def csrf_token(self) -> str:
        return next(v for k, v in self.cookies.items() if k.endswith("csrftoken"))

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def sign_in(self, email: str) -> "Browser":
        self.post("/accounts/login/", {"login": email, "password": PASSWORD})
        return self


def first_link(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    if match is None:
        raise SystemExit(f"bench_http: no link matching {pattern!r} on the page")
    return match.group(0)


def fill_wizard(browser: Browser) -> None:
    """A draft up to the quote, as a visitor leaves it: problem, address, a time in 3 days."""
    browser.get("/services/wifi-setup/")
    status, _, _ = browser.request("GET", "/book/start/wifi-setup/")
    assert status == 302, status
    browser.post("/book/problem/", {"problem": "The Wi-Fi drops in the bedroom every evening."})
    browser.post(
        "/book/address/",
        {"street": "Seefeldstrasse 12", "postcode": "8008", "city": "Zürich", "country": "CH",
         "phone": "079 123 45 67"},
    )  # fmt: skip
    page = browser.get("/book/time/")
    times = re.findall(r'<option value="(\d\d:\d\d)"', page)
    day = (time.time() + 3 * 86400) // 86400 * 86400
    date = time.strftime("%Y-%m-%d", time.gmtime(day))
    browser.post(
        "/book/time/", {"timing": "scheduled", "date": date, "time": times[len(times) // 2]}
    )


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class Run:
    rate: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, cookie: str, seconds: int, delay_ms: float = 0.0) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"function delay() return {delay_ms:.3f} end\n" if delay_ms else "")
    headers = ["-H", "X-Forwarded-Proto: https", "-H", f"Accept-Language: {LANGUAGE}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
               "-s", script.name, *headers, url]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    if "Requests/sec" not in out or " 0 requests in" in out:
        raise SystemExit(f"bench_http: no answers from {url}:\n{out}")

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * UNITS[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Run(
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


@dataclass
class Page:
    name: str
    path: str
    kind: str  # "anonymous" or "signed in"
    cookie: str = ""


def measure(port: int, page: Page) -> tuple[Run, Run]:
    url = f"http://127.0.0.1:{port}{page.path}"
    wrk(url, page.cookie, 1)  # warm-up: caches, connections, lazy imports
    peak = wrk(url, page.cookie, SECONDS)
    # Each connection waits between its requests, so that the 16 together ask half the peak:
    # a short run finds how long a request takes at that pace, the wait is set to the rest.
    cycle_ms = 1000 * CONNECTIONS / (peak.rate / 2)
    probe = wrk(url, page.cookie, 2, delay_ms=cycle_ms)
    taken_ms = max(0.0, 1000 * CONNECTIONS / probe.rate - cycle_ms)
    half = wrk(url, page.cookie, SECONDS, delay_ms=max(0.1, cycle_ms - taken_ms))
    return peak, half


def environment(database_url: str, redis_url: str, static_root: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_ENV="production", SECURE_SSL_REDIRECT="false", MILA_ENV_FILE="/nonexistent",
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url, STATIC_ROOT=static_root, EMAIL_URL="dummymail://",
        STRIPE_SECRET_KEY="", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    return env


def gunicorn(port: int) -> list[str]:
    return [str(VENV / "gunicorn"), "mila.wsgi:application", "--workers", "2",
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip


def prepare(env: dict[str, str]) -> None:
    manage = [str(VENV / "python"), "manage.py"]
    for args in (
        ["migrate", "--noinput"],
        ["seed_demo", "--force"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def pages(port: int) -> list[Page]:
    anna = Browser(port).sign_in("anna@mila.example")
    lena = Browser(port).sign_in("lena@mila.example")
    claude = Browser(port).sign_in("claude@mila.example")
    fill_wizard(claude)
    booking = first_link(anna.get("/bookings/"), r"/bookings/[A-Z0-9-]{6,}/")
    job = first_link(lena.get("/helper/"), r"/helper/jobs/[A-Z0-9-]{6,}/")
    return [
        Page("home", "/", "anonymous"),
        Page("about", "/about/", "anonymous"),
        Page("catalogue", "/services/", "anonymous"),
        Page("service", "/services/wifi-setup/", "anonymous"),
        Page("login", "/accounts/login/", "anonymous"),
        Page("my bookings", "/bookings/", "signed in", anna.cookie_header),
        Page("booking detail", booking, "signed in", anna.cookie_header),
        Page("inbox", "/inbox/", "signed in", anna.cookie_header),
        Page("wizard: problem", "/book/problem/", "signed in", claude.cookie_header),
        Page("wizard: address", "/book/address/", "signed in", claude.cookie_header),
        Page("wizard: time", "/book/time/", "signed in", claude.cookie_header),
        Page("wizard: quote", "/book/quote/", "signed in", claude.cookie_header),
        Page("helper dashboard", "/helper/", "signed in", lena.cookie_header),
        Page("helper availability", "/helper/availability/", "signed in", lena.cookie_header),
        Page("helper job", job, "signed in", lena.cookie_header),
    ]


def verdict(page: Page, ratio: float, half: Run) -> str:
    missed = []
    if ratio < TARGETS[page.kind]:
        missed.append(f"< {TARGETS[page.kind]:.0%}")
    if ratio < FLOOR:
        missed.append(f"< {FLOOR:.0%}")
    if half.p99_ms > P99_MS:
        missed.append(f"p99 > {P99_MS:.0f} ms")
    return "ok" if not missed else "MISS " + ", ".join(missed)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("bench_http needs wrk: apt-get install -y wrk")
    started = time.monotonic()
    with ExitStack() as stack:
        database_url = stack.enter_context(database())
        redis_url = stack.enter_context(redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mila-bench-http-")))
        env = environment(database_url, redis_url, str(tmp / "static"))
        prepare(env)
        app_port, bare_port = free_port(), free_port()
        # Their logs (one JSON line per request, as in production) go to files.
        stack.enter_context(running(gunicorn(app_port), env, app_port, tmp / "app.log"))
        bare_env = env | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
        stack.enter_context(running(gunicorn(bare_port), bare_env, bare_port, tmp / "bare.log"))
        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        cache = "Redis" if redis_url else "local memory"
        print(f"http: gunicorn 2 workers, production settings, {engine}, {cache} cache; "
              f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s per run")  # fmt: skip
        bare = Page("bare view", "/", "anonymous")
        before, _ = measure(bare_port, bare)
        measured = [(page, *measure(app_port, page)) for page in pages(app_port)]
        after, _ = measure(bare_port, bare)
        reference = (before.rate + after.rate) / 2
        print(f"http: bare 'ok' view {before.rate:7.0f} req/s before the pages, "
              f"{after.rate:7.0f} after; p50 {before.p50_ms:.1f} ms, "
              f"p99 {before.p99_ms:.1f} ms")  # fmt: skip
        print(f"{'page':<20} {'kind':<9} {'req/s':>7} {'ratio':>6} {'p50':>7} {'p99':>7} "
              f"{'half':>6} {'p99½':>7} {'non2xx':>6}  target")  # fmt: skip
        misses = 0
        for page, peak, half in measured:
            ratio = peak.rate / reference
            result = verdict(page, ratio, half)
            misses += result != "ok"
            print(
                f"{page.name:<20} {page.kind:<9} {peak.rate:7.0f} {ratio:6.1%} "
                f"{peak.p50_ms:5.1f}ms {peak.p99_ms:5.1f}ms {half.rate:6.0f} "
                f"{half.p99_ms:5.1f}ms {peak.non_2xx + half.non_2xx + peak.errors:6d}  {result}"
            )
        print(f"http: {len(measured) - misses} of {len(measured)} pages meet their target; "
              f"{timedelta(seconds=round(time.monotonic() - started))} in all")  # fmt: skip


if __name__ == "__main__":
    main()
