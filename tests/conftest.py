"""Fixtures: an app per test on its own copy of a migrated database, on SQLite and PostgreSQL.

Two template databases are made once per test process (each pytest-xdist worker has its own):
one migrated, one migrated and loaded with the reference library as `workbench init` loads it.
Each test gets a copy of one (a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on
PostgreSQL): the loaded one when it asks for the `library` fixture. Set
WORKBENCH_TEST_POSTGRES_URL to run the database tests on both; the database it names is only
used to create the others, named after it.
"""

import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from workbench import MIGRATIONS_DIR, create_app
from workbench.extensions import db
from workbench.models import Job
from workbench.models.enums import JobStatus
from workbench.services import accounts, jobs
from workbench.services.library import load_library
from workbench.services.library_files import read_library
from workbench.services.unit_of_work import unit_of_work

# The property tests draw the same examples on every run, so a suite that passed passes again
# and a failure on another machine is reproduced here. `--hypothesis-profile=explore` draws new
# ones, to look for counterexamples on purpose (README, Tests).
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")

POSTGRES_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
REPOSITORY = Path(__file__).resolve().parent.parent
PROFILES_DIR = REPOSITORY / "stakeholder_profiles"
TEMPLATES = ("migrated", "library")
# Argon2id at its lowest cost: the production cost is checked once, in tests/web/test_accounts.py.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


# Every app a test builds, so its connections are closed when the test ends (close_made_apps).
MADE_APPS: list[Flask] = []


def make_app(database_url: str, instance_path: Path, **extra) -> Flask:
    """Build an app for tests: its own instance folder and database, CSRF checks on."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
    }
    app = create_app(config | extra)
    MADE_APPS.append(app)
    return app


@pytest.fixture(autouse=True)
def close_made_apps() -> Iterator[None]:
    """Close the pooled connections of every app the test built, at its end.

    A test that builds an app and drops it would otherwise leave them to the garbage collector,
    whose psycopg ResourceWarning then fails whichever test happens to be running.
    """
    yield
    while MADE_APPS:
        close_app(MADE_APPS.pop())


def close_app(app: Flask) -> None:
    """Close an app's database connections, once the jobs it started in threads have ended."""
    jobs.wait_for_local_jobs()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def fill_template(url: str, folder: Path, with_library: bool) -> None:
    """Migrate a template database, and load the reference library into it if asked."""
    app = make_app(url, folder)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        if with_library:
            with unit_of_work(db.session) as session:
                load_library(session, read_library(PROFILES_DIR))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    """Hash passwords at a cost a test suite can afford (≈2 s a web test at the real cost)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "HASHER", CHEAP_HASHER)
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[dict]:
    """The template databases of one backend, made once per test process."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        templates = {name: folder / f"{name}.sqlite3" for name in TEMPLATES}
        for name, path in templates.items():
            fill_template(f"sqlite:///{path}", folder, with_library=name == "library")
        yield {"name": "sqlite", "templates": templates}
        return
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    prefix = f"{server.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    names = {name: f"{prefix}_{name}" for name in TEMPLATES}
    for name, database in names.items():
        create_postgres_database(admin, database)
        url = server.set(database=database).render_as_string(hide_password=False)
        fill_template(url, folder, with_library=name == "library")
    yield {"name": "postgres", "admin": admin, "server": server, "templates": names}
    for database in [*names.values(), f"{prefix}_test"]:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def create_postgres_database(admin: Engine, name: str, template: str | None = None) -> None:
    """(Re)create a PostgreSQL database, empty or as a copy of `template`."""
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))


@pytest.fixture
def database_url(backend, tmp_path, request) -> str:
    """The URL of this test's own database: migrated, and loaded if it asks for `library`."""
    template = backend["templates"]["library" if "library" in request.fixturenames else "migrated"]
    if backend["name"] == "sqlite":
        path = tmp_path / "workbench.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    name = f"{template.rsplit('_', 1)[0]}_test"
    create_postgres_database(backend["admin"], name, template)
    return backend["server"].set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def library(database_url) -> None:
    """The profiles and reference data as `workbench init` loads them (see database_url)."""


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance")
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def app_with(database_url, tmp_path) -> Callable[..., Flask]:
    """Build an app with other settings on this test's database (closed when the test ends)."""
    numbers = itertools.count()

    def build(**settings) -> Flask:
        return make_app(database_url, tmp_path / f"instance-{next(numbers)}", **settings)

    return build


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def finished_job(app) -> Callable[[int], Job]:
    """Wait for a job to succeed or fail, and return its record (as it stands at the deadline)."""

    def wait(job_id: int, seconds: float = 120) -> Job:
        deadline = time.monotonic() + seconds
        while True:
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                return job
            if time.monotonic() > deadline:
                return job
            time.sleep(0.05)

    return wait


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    """An environment with nothing configured but a private instance folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["WORKBENCH_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env
