"""`workbench backup` and `workbench restore`: every row and byte comes back, an older schema is
migrated, a database with rows is not overwritten unless forced, a bad archive exits 2."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from tests.conftest import create_postgres_database, make_app
from workbench import MIGRATIONS_DIR
from workbench.cli import cli
from workbench.extensions import db
from workbench.models import Job, ModelBase
from workbench.services.unit_of_work import commit

OLDER_REVISION = "9c1e7b2f4a10"  # before jobs had a heartbeat


@pytest.fixture
def empty_url(backend, tmp_path):
    """Make empty databases on the test's backend; return a function giving each one's URL."""
    made = []

    def make(name: str) -> str:
        if backend["name"] == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        database = f"{backend['templates']['migrated'].rsplit('_', 1)[0]}_{name}"
        create_postgres_database(backend["admin"], database)
        made.append(database)
        return backend["server"].set(database=database).render_as_string(hide_password=False)

    yield make
    for database in made:
        with backend["admin"].connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def invoke(app, *arguments):
    with app.app_context():
        result = app.test_cli_runner().invoke(cli, list(arguments))
        db.session.remove()
        db.engine.dispose()
    return result


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every row of every model table, in primary-key order, as the database returns it."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = {
            table.name: connection.execute(select(table).order_by(*table.primary_key)).all()
            for table in ModelBase.metadata.sorted_tables
        }
    engine.dispose()
    return rows


def test_a_restore_onto_an_empty_instance_gives_back_every_row_file_and_the_key(
    library, app, database_url, empty_url, tmp_path
):
    upload = Path(app.config["WORKBENCH_UPLOAD_DIR"]) / "3f9a" / "claims.csv"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"claim_id,member_id\n1,A01\n\xff")
    archive = tmp_path / "workbench-backup.tar.gz"

    made = app.test_cli_runner().invoke(cli, ["backup", str(archive)])
    assert made.exit_code == 0, made.output
    target_url = empty_url("restored")
    target = make_app(target_url, tmp_path / "restored-instance", SECRET_KEY=None)
    restored = invoke(target, "restore", str(archive))

    assert restored.exit_code == 0, restored.output
    original = every_row(database_url)
    assert sum(len(rows) for rows in original.values()) > 100
    assert every_row(target_url) == original
    assert (tmp_path / "restored-instance" / "secret_key").read_text() == "test-secret-key"
    copy = Path(target.config["WORKBENCH_UPLOAD_DIR"]) / "3f9a" / "claims.csv"
    assert copy.read_bytes() == upload.read_bytes()
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["row_counts"]["evidence_items"] == len(original["evidence_items"])
    assert set(manifest["sha256"]) >= {"secret_key", "files/uploads/3f9a/claims.csv"}


def test_a_backup_of_an_older_schema_is_migrated_when_restored(empty_url, tmp_path):
    older_url = empty_url("older")
    older = make_app(older_url, tmp_path / "older")
    with older.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=OLDER_REVISION)
        db.session.execute(
            text(
                "INSERT INTO jobs (kind, status, progress, params, created_at) "
                "VALUES ('size_claims', 'FAILED', 0, '{}', CURRENT_TIMESTAMP)"
            )
        )
        commit(db.session)
        db.engine.dispose()
    archive = tmp_path / "older.tar.gz"
    assert invoke(older, "backup", str(archive)).exit_code == 0
    target_url = empty_url("newer")

    restored = invoke(make_app(target_url, tmp_path / "newer"), "restore", str(archive))

    assert restored.exit_code == 0, restored.output
    assert f"schema {OLDER_REVISION} migrated" in restored.output
    engine = create_engine(target_url, poolclass=NullPool)
    with engine.connect() as connection:
        assert "heartbeat_at" in {c["name"] for c in inspect(connection).get_columns("jobs")}
        assert connection.scalar(select(Job.heartbeat_at)) is not None
    engine.dispose()


def test_a_restore_refuses_a_database_with_rows_unless_forced(library, app, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(cli, ["backup", str(archive)]).exit_code == 0
    db.session.remove()

    refused = app.test_cli_runner().invoke(cli, ["restore", str(archive)])
    forced = app.test_cli_runner().invoke(cli, ["restore", str(archive), "--force"])

    assert refused.exit_code == 2
    assert "the database already holds" in refused.output
    assert "pass --force" in refused.output
    assert forced.exit_code == 0, forced.output


def tampered(archive: Path, target: Path) -> Path:
    """The archive with its secret key changed after the manifest was written."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "secret_key":
                data = b"someone else's key"
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_bad_archive_exits_2_with_a_message_and_writes_nothing(app, tmp_path):
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    archive = tmp_path / "backup.tar.gz"
    assert app.test_cli_runner().invoke(cli, ["backup", str(archive)]).exit_code == 0
    db.session.remove()
    runner = app.test_cli_runner()

    answers = [
        runner.invoke(cli, ["restore", str(path), "--force"])
        for path in (garbage, tmp_path / "missing.tar.gz", tampered(archive, tmp_path / "t.tgz"))
    ]

    assert [answer.exit_code for answer in answers] == [2, 2, 2]
    assert "garbage.tar.gz: not a workbench backup" in answers[0].output
    assert "missing.tar.gz: no such file" in answers[1].output
    assert "t.tgz: secret_key is missing or does not match its sha256" in answers[2].output
