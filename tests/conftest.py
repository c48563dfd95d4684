"""Fixtures: an app per test on a fresh, migrated database, on SQLite and PostgreSQL.

SQLite tests copy a database file migrated once per session; PostgreSQL tests share one migrated
database, emptied after each test. Set WORKBENCH_TEST_POSTGRES_URL to run database tests on both.
"""

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from workbench import MIGRATIONS_DIR, create_app
from workbench.extensions import db
from workbench.models import Job, ModelBase
from workbench.models.enums import JobStatus

POSTGRES_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
REPOSITORY = Path(__file__).resolve().parent.parent
PROFILES_DIR = REPOSITORY / "stakeholder_profiles"


def make_app(database_url: str, instance_path: Path, **extra) -> Flask:
    """Build an app for tests: its own instance folder and database, CSRF checks on."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
    }
    return create_app(config | extra)


def migrate_to_head(app: Flask) -> None:
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[dict]:
    """A migrated database per backend, made once per session."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        template = folder / "template.sqlite3"
        migrate_to_head(make_app(f"sqlite:///{template}", folder))
        yield {"name": "sqlite", "template": template}
        return
    app = make_app(POSTGRES_URL, folder)
    with app.app_context():
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()
    yield {"name": "postgres", "url": POSTGRES_URL}


@pytest.fixture
def database_url(backend, tmp_path) -> Iterator[str]:
    """The URL of an empty, migrated database for one test."""
    if backend["name"] == "sqlite":
        path = tmp_path / "workbench.sqlite3"
        shutil.copy(backend["template"], path)
        yield f"sqlite:///{path}"
        return
    yield backend["url"]
    empty_postgres(backend["url"], tmp_path)


def empty_postgres(url: str, instance_path: Path) -> None:
    """Delete every row a test wrote, keeping the schema."""
    app = make_app(url, instance_path)
    with app.app_context():
        tables = ", ".join(f'"{table.name}"' for table in ModelBase.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_with(database_url, tmp_path) -> Iterator:
    """Build an app with other settings on this test's database; its engine is disposed after."""
    made: list[Flask] = []

    def build(**settings) -> Flask:
        made.append(make_app(database_url, tmp_path / f"instance-{len(made)}", **settings))
        return made[-1]

    yield build
    for built in made:
        with built.app_context():
            db.session.remove()
            db.engine.dispose()


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
