"""With nothing configured, the workbench uses SQLite and a secret key kept in instance/."""

import stat

from workbench import create_app


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
