"""Settings from WORKBENCH_* environment variables, with an embedded default that works unset.

With nothing configured the workbench keeps a SQLite database and a generated secret key in the
instance folder, so `make run` works on a new machine without any set-up.
"""

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from workbench.errors import WorkbenchError

ENV_PREFIX = "WORKBENCH_"
PACKAGE_ROOT = Path(__file__).resolve().parent
REPOSITORY_ROOT = PACKAGE_ROOT.parent


def shipped_folder(name: str) -> Path:
    """Return a folder kept at the repository's top (templates/, stakeholder_profiles/).

    An installed wheel carries a copy inside the package (setup.py puts it there); a checkout,
    or an editable install, reads the repository's own.
    """
    copy = PACKAGE_ROOT / name
    return copy if copy.is_dir() else REPOSITORY_ROOT / name


TEMPLATES_DIR = shipped_folder("templates")
DEFAULT_PROFILES_DIR = shipped_folder("stakeholder_profiles")
INSTALLED = TEMPLATES_DIR.parent == PACKAGE_ROOT
# Failed sign-ins allowed from one client address, across accounts (each account also backs off).
DEFAULT_LOGIN_LIMIT = "50 per 10 minutes"
# The largest claims file sized (DuckDB streams it; this guards the disk and the upload).
DEFAULT_CLAIMS_MAX_BYTES = 20 * 1000**3
# The largest request body anywhere but the claims upload (forms, scenario files, the API).
DEFAULT_MAX_REQUEST_BYTES = 2 * 1000**2
# The most rows a claims or members file may have (a small Parquet file can hold billions).
DEFAULT_MAX_ROWS = 50_000_000
# What a claims upload carries besides its two files: the form fields and multipart headers.
UPLOAD_FORM_ALLOWANCE = 1024 * 1024


def default_instance_path() -> Path:
    """Return the instance folder: WORKBENCH_INSTANCE_PATH, else instance/ in the repository,
    or for an installed wheel, var/workbench-instance in its Python environment (as Flask does)."""
    default = (
        Path(sys.prefix) / "var" / "workbench-instance"
        if INSTALLED
        else REPOSITORY_ROOT / "instance"
    )
    return Path(os.environ.get(f"{ENV_PREFIX}INSTANCE_PATH") or default)


def load_settings(instance_path: Path, overrides: dict | None = None) -> dict:
    """Return the Flask settings: `overrides`, then the environment, then the embedded defaults."""
    env = os.environ
    overrides = overrides or {}
    redis_url = env.get(f"{ENV_PREFIX}REDIS_URL") or None
    # Readable by the account that runs the app only: it holds the key and the database.
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    database_url = (
        overrides.get("SQLALCHEMY_DATABASE_URI")
        or env.get(f"{ENV_PREFIX}DATABASE_URL")
        or f"sqlite:///{instance_path / 'workbench.sqlite3'}"
    )
    create_private_sqlite_file(database_url)
    secret_key = (
        overrides.get("SECRET_KEY")
        or env.get(f"{ENV_PREFIX}SECRET_KEY")
        or instance_secret_key(instance_path)
    )
    settings = {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, env),
        "WORKBENCH_REDIS_URL": redis_url,
        "WORKBENCH_JOB_QUEUE": env.get(f"{ENV_PREFIX}JOB_QUEUE") or "workbench",
        # Failed sign-ins are counted where every worker sees them: Redis when configured;
        # the embedded default runs one gunicorn process (with threads), so memory is exact.
        "WORKBENCH_SIGN_IN_STORAGE_URI": redis_url or "memory://",
        "WORKBENCH_LOGIN_LIMIT": env.get(f"{ENV_PREFIX}LOGIN_LIMIT") or DEFAULT_LOGIN_LIMIT,
        "WORKBENCH_LOGIN_FREE_FAILURES": int(env.get(f"{ENV_PREFIX}LOGIN_FREE_FAILURES") or 5),
        "WORKBENCH_LOGIN_MAX_LOCKOUT_SECONDS": int(
            env.get(f"{ENV_PREFIX}LOGIN_MAX_LOCKOUT_SECONDS") or 900
        ),
        # How many processes serve the app: `workbench serve --workers N` sets it; set it
        # yourself when you start gunicorn another way. More than one needs Redis.
        "WORKBENCH_WORKERS": int(env.get(f"{ENV_PREFIX}WORKERS") or 1),
        # Proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
        "WORKBENCH_PROXIES": int(env.get(f"{ENV_PREFIX}PROXIES") or 0),
        "WORKBENCH_API_TOKEN_DAYS": int(env.get(f"{ENV_PREFIX}API_TOKEN_DAYS") or 90),
        "WORKBENCH_IDLE_MINUTES": int(env.get(f"{ENV_PREFIX}IDLE_MINUTES") or 30),
        "WORKBENCH_SESSION_HOURS": int(env.get(f"{ENV_PREFIX}SESSION_HOURS") or 12),
        "WORKBENCH_FRESH_LOGIN_MINUTES": int(env.get(f"{ENV_PREFIX}FRESH_LOGIN_MINUTES") or 10),
        # Where clients reach the app (https://workbench.example.org): API links are made
        # from it, never from the request's Host header.
        "WORKBENCH_EXTERNAL_URL": env.get(f"{ENV_PREFIX}EXTERNAL_URL") or None,
        "WORKBENCH_PROFILES_DIR": Path(
            env.get(f"{ENV_PREFIX}PROFILES_DIR") or DEFAULT_PROFILES_DIR
        ),
        # Small everywhere; the claims upload view raises it for signed-in leads (large_body).
        "MAX_CONTENT_LENGTH": int(
            env.get(f"{ENV_PREFIX}MAX_REQUEST_BYTES") or DEFAULT_MAX_REQUEST_BYTES
        ),
        **claims_settings(env, instance_path, overrides),
        **job_settings(env),
        "WORKBENCH_LOG_LEVEL": env.get(f"{ENV_PREFIX}LOG_LEVEL") or "INFO",
        "WORKBENCH_JSON_LOGS": True,  # the served app and `workbench worker`; not other commands
        # Take the proxy's X-Request-ID only when a proxy that sets it stands in front.
        "WORKBENCH_TRUST_REQUEST_ID": env.get(f"{ENV_PREFIX}TRUST_REQUEST_ID", "0") == "1",
        "WORKBENCH_MIN_FREE_BYTES": int(env.get(f"{ENV_PREFIX}MIN_FREE_BYTES") or 1000**3),
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get(f"{ENV_PREFIX}SECURE_COOKIES", "0") == "1",
    }
    settings |= overrides
    check_shared_counters(settings["WORKBENCH_WORKERS"], settings["WORKBENCH_REDIS_URL"])
    return settings


class ConfigurationError(WorkbenchError):
    """Settings the workbench refuses to start with."""


def check_shared_counters(workers: int, redis_url: str | None) -> None:
    """Refuse more than one worker without Redis: each would count sign-in failures alone."""
    if workers > 1 and not redis_url:
        raise ConfigurationError(
            f"{workers} workers need WORKBENCH_REDIS_URL: failed sign-ins must be counted where "
            "every worker sees them. Set it to a Redis with a password "
            "(redis://:PASSWORD@host:6379/0), or run one worker (WORKBENCH_WORKERS=1).",
            "WORKBENCH_WORKERS",
        )


def claims_settings(env: Mapping[str, str], instance_path: Path, overrides: dict) -> dict:
    """Return the claims sizing settings and the upload limits they imply.

    A claims upload carries two files (members and claims), each at most
    WORKBENCH_CLAIMS_MAX_BYTES, so a request may be twice that, plus the form around them.
    """
    max_bytes = int(
        overrides.get("WORKBENCH_CLAIMS_MAX_BYTES")
        or env.get(f"{ENV_PREFIX}CLAIMS_MAX_BYTES")
        or DEFAULT_CLAIMS_MAX_BYTES
    )
    temp_dir = env.get(f"{ENV_PREFIX}CLAIMS_TEMP_DIR")
    server_dir = overrides.get("WORKBENCH_CLAIMS_SERVER_DIR") or env.get(
        f"{ENV_PREFIX}CLAIMS_SERVER_DIR"
    )
    threads = env.get(f"{ENV_PREFIX}CLAIMS_THREADS")
    return {
        "WORKBENCH_CLAIMS_MAX_BYTES": max_bytes,
        "WORKBENCH_CLAIMS_MEMORY_LIMIT": env.get(f"{ENV_PREFIX}CLAIMS_MEMORY_LIMIT") or None,
        "WORKBENCH_CLAIMS_TEMP_DIR": Path(temp_dir) if temp_dir else None,
        # The one folder an administrator may size files from (none: the form is refused).
        "WORKBENCH_CLAIMS_SERVER_DIR": Path(server_dir) if server_dir else None,
        "WORKBENCH_CLAIMS_THREADS": int(threads) if threads else None,
        "WORKBENCH_UPLOAD_DIR": Path(
            env.get(f"{ENV_PREFIX}UPLOAD_DIR") or instance_path / "uploads"
        ),
        "WORKBENCH_UPLOAD_MAX_REQUEST_BYTES": 2 * max_bytes + UPLOAD_FORM_ALLOWANCE,
    }


# Job settings (seconds) and their defaults: see services/jobs.py.
JOB_SETTINGS = {
    "JOB_HEARTBEAT_SECONDS": 5,  # how often the process holding a job says it is alive
    "JOB_STALE_SECONDS": 60,  # no heartbeat for this long: the process died, the job is failed
    "JOB_SWEEP_SECONDS": 30,  # how often requests look for stale jobs
    "JOB_QUEUE_WAIT_SECONDS": 6 * 3600,  # with Redis: how long a job may wait for a worker
    "RENDER_SECONDS": 300,  # a document render's time limit
    "CLAIMS_SECONDS": 1800,  # a claims sizing's time limit
    "REDIS_TIMEOUT_SECONDS": 5,  # connecting to Redis, and each command
}


def job_settings(env: Mapping[str, str]) -> dict:
    """Return the jobs' heartbeat, stale and time-limit settings and the claims row limit."""
    settings = {
        f"{ENV_PREFIX}{name}": float(env.get(f"{ENV_PREFIX}{name}") or default)
        for name, default in JOB_SETTINGS.items()
    }
    rows = env.get(f"{ENV_PREFIX}CLAIMS_MAX_ROWS")
    return settings | {f"{ENV_PREFIX}CLAIMS_MAX_ROWS": int(rows) if rows else DEFAULT_MAX_ROWS}


def instance_secret_key(instance_path: Path) -> str:
    """Return the secret key kept in the instance folder, generating it on first use."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        # Created with 0600 so the key is readable only by the account that runs the app.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def create_private_sqlite_file(url: str) -> None:
    """Create a SQLite database file that does not exist yet with mode 0600 (SQLite would make
    it world-readable under the usual umask; its journals take the file's mode)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    if path.exists() or not path.parent.is_dir():
        return  # an existing file keeps its mode; a missing folder is SQLite's to report
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str, env: Mapping[str, str] | None = None) -> dict:
    """Return engine options suited to the database behind the URL, with timeouts.

    A database that never answers must not hold a request thread: PostgreSQL gets a connect
    timeout and a statement timeout, SQLite a busy timeout (gunicorn's threads share one file and
    wait for its lock, then fail). WORKBENCH_DB_CONNECT_TIMEOUT and WORKBENCH_DB_STATEMENT_TIMEOUT,
    in seconds, set them.
    """
    env = env or {}
    connect = int(env.get(f"{ENV_PREFIX}DB_CONNECT_TIMEOUT") or 5)
    statement = int(env.get(f"{ENV_PREFIX}DB_STATEMENT_TIMEOUT") or 30)
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    return {
        "pool_pre_ping": True,
        "pool_timeout": connect,
        "connect_args": {
            "connect_timeout": connect,
            "options": f"-c statement_timeout={statement * 1000}",
        },
    }
