"""`workbench init` then `workbench serve`: what `make run` does, on the embedded SQLite default."""

import http.cookiejar
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.integration.test_init import PROFILE_KEYS

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A client with cookies, for the running server; it waits for the server to start."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str, deadline: float) -> str:
        """Fetch a page, retrying while the server starts."""
        while True:
            try:
                with self.opener.open(self.base + path, timeout=2) as response:
                    return response.read().decode()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def sign_in(self, email: str, password: str, deadline: float) -> str:
        """Sign in through the login form, CSRF token included; return the page it leads to."""
        form = self.get("/login", deadline)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        fields = {"csrf_token": token, "email": email, "password": password}
        body = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + "/login", data=body, timeout=5) as response:
            return response.read().decode()


def test_help_lists_the_commands(embedded_env):
    result = subprocess.run(
        [WORKBENCH, "--help"], env=embedded_env, capture_output=True, text=True, check=True
    )

    for command in ("init", "serve", "rates", "db"):
        assert f"  {command} " in result.stdout


def test_serve_defaults_to_one_threaded_process_on_127_0_0_1_8000(embedded_env):
    result = subprocess.run(
        [WORKBENCH, "serve", "--help"], env=embedded_env, capture_output=True, text=True, check=True
    )

    for default in ("--host TEXT", "127.0.0.1", "--port", "8000", "--workers", "default: 1"):
        assert default in result.stdout


def test_init_then_serve_shows_the_app_with_the_profiles_loaded(embedded_env, tmp_path):
    init = subprocess.run(
        [WORKBENCH, "init"], env=embedded_env, check=True, capture_output=True, text=True
    )
    database = tmp_path / "instance" / "workbench.sqlite3"
    email, password = re.search(r"as (\S+)\nwith the password (\S+) ", init.stdout).groups()
    port = free_port()
    server = subprocess.Popen(
        [WORKBENCH, "serve", "--port", str(port)],
        env=embedded_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        home = browser.sign_in(email, password, deadline=time.monotonic() + 30)
    finally:
        server.terminate()
        server.wait(timeout=10)

    # A new instance's administrator is first asked who "we" are (the documents' preparer).
    assert "<title>Our organization" in home
    with sqlite3.connect(database) as connection:
        keys = {key for (key,) in connection.execute("SELECT key FROM stakeholder_profiles")}
    assert keys == PROFILE_KEYS
