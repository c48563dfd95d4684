"""Load the workbench as a team would by hand: .venv/bin/python benchmarks/load.py [--postgres URL]

Starts a fresh instance under gunicorn (2 workers) on loopback, signs in 25 distinct leads, and
has each of them open the dashboard, the scenario list and a scenario page and recalculate it
(the htmx POST, with its CSRF token), over and over with no think time, for 60 seconds. Prints
p50/p95/p99 per page, requests per second and errors. Goal on a 2-core machine: every p95 under
300 ms and no error, on SQLite (the default) and PostgreSQL (`--postgres` names a server whose
account may create databases; a database is made for the run and dropped after it).

Traffic goes to 127.0.0.1 only, and every loop is bounded in time.
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Both methods' examples, in turn: method 2 (the contract term) and method 1 (one year).
EXAMPLES = sorted((ROOT / "examples").glob("**/*.yaml"))
HOST = "127.0.0.1"
PAGES = ("dashboard", "scenario list", "scenario page", "recalculation")
GOAL_MS = 300
MAX_SECONDS = 600
MAX_USERS = 100


@dataclass
class Tally:
    """Each page's response times (ms) and the requests that failed, shared by the users."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, milliseconds: float, ok: bool) -> None:
        with self.lock:
            self.times[page].append(milliseconds)
            if not ok:
                self.errors[page] += 1


class FormReader(HTMLParser):
    """Read the fields a browser would post from the scenario page's form, and the CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form" and "scenario-form" in (attributes.get("class") or ""):
            self.in_form = True
        elif not self.in_form or (not name and tag != "option"):
            return
        elif tag == "input" and (attributes.get("type") != "radio" or "checked" in attributes):
            self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value") or ""
        elif tag == "textarea":
            self.textarea = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] = data
            self.textarea = None


def form_fields(html: str) -> dict[str, str]:
    """Return the scenario form's fields (the CSRF token among them) as a browser posts them."""
    reader = FormReader()
    reader.feed(html)
    reader.values.pop("action", None)
    return reader.values


class Browser:
    """One signed-in person: a kept-alive connection and the session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: SimpleCookie = SimpleCookie()

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["HX-Request"] = "true"
        try:
            response = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a kept-alive connection left idle; a browser opens another.
            self.connection.close()
            response = self._send(method, path, body, headers)
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
        return response.status, text

    def _send(
        self, method: str, path: str, body: str | None, headers: dict
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if token is None:
            raise SystemExit("the sign-in page has no CSRF token")
        status, _ = self.request(
            "POST", "/login", {"csrf_token": token[1], "email": email, "password": password}
        )
        if status != 302:
            raise SystemExit(f"{email} could not sign in (HTTP {status})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create a database for this run on the server of `server_url`; drop it afterwards."""
    import psycopg

    name = f"workbench_load_{secrets.token_hex(4)}"
    parts = urlsplit(server_url)
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(users: int) -> tuple[list[tuple[str, str]], list[int]]:
    """Create the schema and library, `users` leads and a scenario each (the examples in turn)."""
    from workbench import create_app
    from workbench.extensions import db
    from workbench.models.enums import Role
    from workbench.services.accounts import create_user
    from workbench.services.scenarios import create_scenario_from_text
    from workbench.services.setup import initialise
    from workbench.services.unit_of_work import unit_of_work

    app = create_app()
    accounts, scenario_ids = [], []
    with app.app_context(), unit_of_work(db.session) as session:
        initialise(session, app.config["WORKBENCH_PROFILES_DIR"])
        for number in range(users):
            email, password = f"lead{number}@load.example.org", secrets.token_urlsafe(18)
            user = create_user(session, email, password, Role.LEAD, f"Lead {number}")
            example = EXAMPLES[number % len(EXAMPLES)].read_bytes()
            scenario_ids.append(create_scenario_from_text(session, example, user).id)
            accounts.append((email, password))
    return accounts, scenario_ids


@contextmanager
def served(port: int, workers: int) -> Iterator[subprocess.Popen]:
    """Run gunicorn on loopback until the block ends; wait until it answers."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "workbench:create_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start within 60 s")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def drive(browser: Browser, scenario_id: int, until: float, tally: Tally) -> None:
    """Open the dashboard, the list and the scenario, and recalculate it, until `until`."""
    page = f"/scenarios/{scenario_id}"
    _, html = browser.request("GET", page)
    fields = form_fields(html) | {"touched": "program-caseload_per_fte"}
    steps = (
        ("dashboard", "GET", "/", None),
        ("scenario list", "GET", "/scenarios/", None),
        ("scenario page", "GET", page, None),
        ("recalculation", "POST", "/scenarios/preview", fields),
    )
    while time.monotonic() < until:
        for name, method, path, form in steps:
            started = time.perf_counter()
            try:
                status, _ = browser.request(method, path, form)
            except (OSError, http.client.HTTPException):
                status = 0
                browser.connection.close()
            tally.add(name, (time.perf_counter() - started) * 1000, status == 200)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(tally: Tally, seconds: float) -> bool:
    """Print the figures per page; return whether every p95 met the goal with no error."""
    print(f"{'page':<15}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    met = True
    for page in PAGES:
        times = tally.times[page]
        if len(times) < 2:
            print(f"{page:<15}{len(times):>9}  too few requests to measure")
            met = False
            continue
        p95 = percentile(times, 0.95)
        met = met and p95 < GOAL_MS and not tally.errors[page]
        print(
            f"{page:<15}{len(times):>9}{percentile(times, 0.5):>9.0f}{p95:>9.0f}"
            f"{percentile(times, 0.99):>9.0f}{tally.errors[page]:>8}"
        )
    total = sum(len(times) for times in tally.times.values())
    print(f"{total} requests in {seconds:.0f} s: {total / seconds:.1f} requests/s")
    print(f"goal (every p95 under {GOAL_MS} ms, no error): {'met' if met else 'NOT met'}")
    return met


def run(users: int, seconds: int, workers: int) -> bool:
    """Prepare the instance, serve it, sign everyone in and drive the pages for `seconds`."""
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    accounts, scenario_ids = prepare(users)
    port = free_port()
    with served(port, workers):
        browsers = [Browser(port) for _ in accounts]
        for browser, (email, password) in zip(browsers, accounts, strict=True):
            browser.sign_in(email, password)
        tally = Tally()
        started = time.monotonic()
        until = started + seconds
        threads = [
            threading.Thread(target=drive, args=(browser, scenario_id, until, tally))
            for browser, scenario_id in zip(browsers, scenario_ids, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        elapsed = time.monotonic() - started
    print(f"{users} users, {workers} gunicorn workers; load average after {os.getloadavg()[0]:.2f}")
    return report(tally, elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=25, help=f"1 to {MAX_USERS} (25)")
    parser.add_argument("--seconds", type=int, default=60, help=f"1 to {MAX_SECONDS} (60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to run on")
    options = parser.parse_args()
    if not 1 <= options.users <= MAX_USERS or not 1 <= options.seconds <= MAX_SECONDS:
        parser.error(f"--users is 1 to {MAX_USERS}, --seconds 1 to {MAX_SECONDS}")
    with tempfile.TemporaryDirectory(prefix="workbench-load-") as instance:
        os.environ["WORKBENCH_INSTANCE_PATH"] = instance
        # Everyone signs in from 127.0.0.1: the per-address sign-in limit would refuse them.
        os.environ["WORKBENCH_LOGIN_LIMIT"] = f"{MAX_USERS * 2} per minute"
        os.environ.pop("WORKBENCH_REDIS_URL", None)
        if options.postgres:
            with postgres_database(options.postgres) as url:
                os.environ["WORKBENCH_DATABASE_URL"] = url
                met = run(options.users, options.seconds, options.workers)
        else:
            os.environ.pop("WORKBENCH_DATABASE_URL", None)
            met = run(options.users, options.seconds, options.workers)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
