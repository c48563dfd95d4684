"""A real workbench for the browser: `workbench init` and `workbench serve` (gunicorn) on a fresh
SQLite instance, a lead and an executive created with `workbench users create`, and Debian's
chromium driven by Playwright, launched by its path (no browser download)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a long browser passphrase 7"
ACCOUNTS = {
    "admin": "admin@example.org",
    "lead": "lead@example.org",
    "executive": "executive@example.org",
}
WORKBENCH = Path(sys.executable).with_name("workbench")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workbench(env: dict, *arguments: str, stdin: str | None = None) -> None:
    subprocess.run(
        [str(WORKBENCH), *arguments], env=env, input=stdin, text=True, check=True, timeout=120
    )


def wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url} within 30 s")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> Iterator[str]:
    """Serve a freshly initialised workbench as `make run` does, on a free port."""
    instance = tmp_path_factory.mktemp("browser-instance")
    env = {key: value for key, value in os.environ.items() if not key.startswith("WORKBENCH_")} | {
        "WORKBENCH_INSTANCE_PATH": str(instance),
        # Every review decision asks for the password again: the flow shows it inline.
        "WORKBENCH_FRESH_LOGIN_MINUTES": "0",
    }
    workbench(env, "init")
    for role, email in ACCOUNTS.items():
        workbench(
            env,
            "users",
            "create",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
            stdin=PASSWORD,
        )
    port = free_port()
    log = (instance / "server.log").open("w")
    server = subprocess.Popen(
        [str(WORKBENCH), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    """Launch Debian's chromium by its path, headless, with nothing fetched from the network."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail(f"{CHROMIUM} is missing: `make system-packages` installs Debian's chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args) -> dict:
    """A laptop screen: the layout must work at 1280 px."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


# axe-core's impacts that fail a page; "moderate" and "minor" ones are left to review by eye.
BLOCKING_IMPACTS = ("serious", "critical")


def assert_accessible(page: Page, state: str = "") -> None:
    """Run axe-core (vendored by axe-playwright-python) on the page as it is now and fail on any
    serious or critical violation, naming the rule, the elements and the page's state.

    Call it after each page load and after each swap a flow makes (a form sent back with
    errors, an htmx fragment), so every state a person sees is checked, not only first loads."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(_violation_line(violation) for violation in blocking)
    where = f"{page.url} ({state})" if state else page.url
    assert not blocking, f"axe-core found serious or critical violations on {where}:\n{report}"


def _violation_line(violation: dict) -> str:
    targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
    return f"- {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
