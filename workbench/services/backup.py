"""Back up an instance into one archive, and restore it: the database, the files kept on disk
(claims uploads in flight) and the secret key, with a manifest to check them by.

The archive is a gzipped tar holding `manifest.json` (format, database kind, schema version, the
row count of every table, the sha256 of every other member), the database (`database.sqlite3`
made with SQLite's online backup API, or `database.dump` from pg_dump's custom format),
`secret_key`, and `files/uploads/...`. A restore checks every hash before it writes anything,
refuses a database that holds rows unless forced, loads the database, checks the row counts,
then migrates it to this version's schema.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, fixed programs, no shell
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, func, inspect, make_url, select, table, text
from sqlalchemy.engine import URL

from workbench.errors import WorkbenchError

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"  # nosec B105 # the archive member's name, not a secret
UPLOADS = "files/uploads"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
VERSION_TABLE = "alembic_version"


class BackupError(WorkbenchError):
    """A backup or restore that cannot be done as asked; says why (the CLI exits 2)."""


@dataclass(frozen=True)
class Manifest:
    database: str
    schema_version: str | None
    row_counts: dict[str, int]
    sha256: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "database": self.database,
            "schema_version": self.schema_version,
            "row_counts": self.row_counts,
            "sha256": self.sha256,
        }


def create_backup(app: Flask, engine: Engine, target: Path) -> Manifest:
    """Write the instance's backup archive to `target`; return its manifest."""
    kind = database_kind(engine)
    with tempfile.TemporaryDirectory(prefix="workbench-backup-") as folder:
        staging = Path(folder)
        dump = staging / DUMPS[kind]
        dump_database(engine, dump)
        (staging / SECRET_KEY).write_text(app.config["SECRET_KEY"])
        copy_tree(Path(app.config["WORKBENCH_UPLOAD_DIR"]), staging / UPLOADS)
        members = sorted(path for path in staging.rglob("*") if path.is_file())
        manifest = Manifest(
            database=kind,
            schema_version=schema_version(engine),
            row_counts=row_counts(engine),
            sha256={str(path.relative_to(staging)): sha256_of(path) for path in members},
        )
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            add_bytes(archive, MANIFEST, json.dumps(manifest.to_json(), indent=2).encode())
            for path in members:
                archive.add(path, arcname=str(path.relative_to(staging)))
        partial.chmod(0o600)  # it holds the secret key and health data
        partial.replace(target)
    return manifest


def restore_backup(app: Flask, engine: Engine, source: Path, force: bool = False) -> Manifest:
    """Restore an archive onto this instance and migrate it; refuse a database with rows."""
    with unpacked(source) as (manifest, folder):
        kind = database_kind(engine)
        if manifest.database != kind:
            raise BackupError(
                f"{source.name}: a {manifest.database} backup cannot be restored onto {kind}"
            )
        occupied = {name: count for name, count in row_counts(engine).items() if count}
        if occupied and not force:
            raise BackupError(
                f"the database already holds {sum(occupied.values()):,} rows in {len(occupied)} "
                "tables; restore onto an empty instance, or pass --force to replace them all"
            )
        load_database(engine, folder / DUMPS[kind])
        restored = row_counts(engine)
        if restored != manifest.row_counts:
            raise BackupError(f"{source.name}: the restored row counts differ from the manifest's")
        write_secret_key(Path(app.instance_path), (folder / SECRET_KEY).read_text())
        upload_dir = Path(app.config["WORKBENCH_UPLOAD_DIR"])
        shutil.rmtree(upload_dir, ignore_errors=True)
        copy_tree(folder / UPLOADS, upload_dir)
    return manifest


# -- the archive --------------------------------------------------------------------------------


@contextmanager
def unpacked(source: Path) -> Iterator[tuple[Manifest, Path]]:
    """Unpack an archive to a temporary folder, checking its manifest and every member's hash."""
    with tempfile.TemporaryDirectory(prefix="workbench-restore-") as folder:
        staging = Path(folder)
        try:
            with tarfile.open(source, "r:gz") as archive:
                archive.extractall(staging, filter="data")
        except FileNotFoundError as error:
            raise BackupError(f"{source}: no such file") from error
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{source.name}: not a workbench backup ({error})") from error
        manifest = read_manifest(staging, source.name)
        for name, digest in manifest.sha256.items():
            member = staging / name
            if not member.is_file() or sha256_of(member) != digest:
                raise BackupError(f"{source.name}: {name} is missing or does not match its sha256")
        yield manifest, staging


def read_manifest(staging: Path, name: str) -> Manifest:
    """Read and check the manifest: its format, database kind and the members it must list."""
    try:
        data = json.loads((staging / MANIFEST).read_text())
        manifest = Manifest(
            data["database"], data["schema_version"], data["row_counts"], data["sha256"]
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{name}: no readable {MANIFEST}; not a workbench backup") from error
    if data.get("format") != FORMAT or manifest.database not in DUMPS:
        raise BackupError(f"{name}: a backup format this version cannot read")
    for required in (DUMPS[manifest.database], SECRET_KEY):
        if required not in manifest.sha256:
            raise BackupError(f"{name}: the manifest does not list {required}")
    return manifest


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def copy_tree(source: Path, target: Path) -> None:
    """Copy a folder's files (none if it does not exist), keeping them private to the account."""
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def write_secret_key(instance_path: Path, key: str) -> None:
    """Keep the restored secret key in the instance folder (0600), as the app keeps its own."""
    key_file = instance_path / SECRET_KEY
    key_file.unlink(missing_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)


# -- the database -------------------------------------------------------------------------------


def database_kind(engine: Engine) -> str:
    kind = engine.dialect.name
    if kind not in DUMPS:
        raise BackupError(f"backups are made of SQLite and PostgreSQL databases, not {kind}")
    return kind


def schema_version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # nosec B608 # a constant table name


def row_counts(engine: Engine) -> dict[str, int]:
    """Count the rows of every table in the database (not only this version's models)."""
    with engine.connect() as connection:
        names = sorted(set(inspect(connection).get_table_names()) - {VERSION_TABLE})
        return {
            name: connection.scalar(select(func.count()).select_from(table(name))) for name in names
        }


def dump_database(engine: Engine, target: Path) -> None:
    """Copy the database to `target`: SQLite's online backup, or pg_dump's custom format."""
    if engine.dialect.name == "sqlite":
        sqlite_copy(sqlite_path(engine), str(target))
        return
    run_pg("pg_dump", engine.url, ["--format=custom", "--no-owner", f"--file={target}"])


def load_database(engine: Engine, dump: Path) -> None:
    """Replace the database's content with the dump's."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        sqlite_copy(str(dump), sqlite_path(engine))
        return
    drop_all_tables(engine)
    options = ["--no-owner", "--exit-on-error", "--single-transaction", str(dump)]
    run_pg("pg_restore", engine.url, options)


def sqlite_copy(source: str, target: str) -> None:
    """Copy a SQLite database page by page with its online backup API (safe while in use)."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


def drop_all_tables(engine: Engine) -> None:
    """Empty a PostgreSQL database's public schema, so the dump loads into a clean one."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def sqlite_path(engine: Engine) -> str:
    path = engine.url.database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def run_pg(program: str, url: URL, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore on the database; the password goes in the environment."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client)")
    plain = make_url(url).set(drivername="postgresql", password=None)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    target = ["--dbname", plain.render_as_string(hide_password=False)]
    # A fixed program and arguments; the URL is the operator's own configuration.
    done = subprocess.run(  # nosec B603 # a fixed program, arguments as a list, no shell
        [program, *target, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise BackupError(f"{program} failed: {lines[-1] if lines else done.returncode}")
