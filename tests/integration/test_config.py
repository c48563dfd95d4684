"""With nothing configured, the workbench uses SQLite and a secret key kept in instance/."""

import os
import stat

from sqlalchemy import text

from workbench import create_app
from workbench.extensions import db


def test_defaults_use_sqlite_and_a_kept_secret_key(tmp_path, monkeypatch):
    for name in ("WORKBENCH_DATABASE_URL", "WORKBENCH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"

    first = create_app({"INSTANCE_PATH": str(instance)})
    second = create_app({"INSTANCE_PATH": str(instance)})

    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'workbench.sqlite3'}"
    assert len(first.config["SECRET_KEY"]) == 64
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600


def test_environment_settings_win_over_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", "postgresql://me@db.example/workbench")
    monkeypatch.setenv("WORKBENCH_SECRET_KEY", "from-the-environment")

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://me@db.example/workbench"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_a_new_instance_folder_and_sqlite_file_are_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    usual = os.umask(0o022)  # the usual umask, whatever the test runner's
    try:
        app = create_app({"INSTANCE_PATH": str(instance)})
        with app.app_context():
            db.session.execute(text("CREATE TABLE probe (id INTEGER)"))
            db.session.commit()
            db.engine.dispose()
    finally:
        os.umask(usual)

    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / "workbench.sqlite3").stat().st_mode) == 0o600
