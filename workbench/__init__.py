"""The payer contract negotiation workbench."""

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.config import TEMPLATES_DIR, default_instance_path, load_settings

PACKAGE_ROOT = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_ROOT / "migrations"

if TYPE_CHECKING:  # Flask is imported when an app is built, so `import workbench` stays light
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> "Flask":
    """Build the app: settings from `config`, the environment or the defaults; then extensions."""
    from flask import Flask

    config = dict(config or {})
    app = Flask(
        __name__,
        instance_path=str(config.pop("INSTANCE_PATH", None) or default_instance_path()),
        template_folder=str(TEMPLATES_DIR),
    )
    app.config.update(load_settings(Path(app.instance_path), config))
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_operations(app)
    return app


def register_operations(app: "Flask") -> None:
    """Fail the jobs a previous process left behind, now and every so often before a request."""
    from workbench.extensions import db
    from workbench.services.jobs import sweep_stale_jobs

    with app.app_context():
        sweep_stale_jobs(app)
        # The sweep's connection is not kept in the pool: a process forked from this one
        # (gunicorn's workers) must not share it, and an app built and dropped (a command, a
        # test) would otherwise leave it open until the garbage collector found it.
        db.engine.dispose()
    every = app.config["WORKBENCH_JOB_SWEEP_SECONDS"]
    app.before_request(lambda: sweep_stale_jobs(app, every))


def register_logging(app: "Flask") -> None:
    """JSON log lines with the request id on each (first, so every request has its id)."""
    from workbench.log import register_request_logging

    register_request_logging(app)


def register_extensions(app: "Flask") -> None:
    """Bind the extension objects of extensions.py to this app."""
    from workbench.extensions import (
        csrf,
        db,
        enable_sqlite_foreign_keys,
        migrate,
        render_migration_type,
    )
    from workbench.web.security import register_security

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(MIGRATIONS_DIR),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_type,
    )
    # Sign-in and role are decided first (register_security), so CSRFProtect, which parses
    # the form, never reads the body of a request that would be refused anyway.
    register_security(app)
    csrf.init_app(app)
    with app.app_context():
        enable_sqlite_foreign_keys(db.engine)


def register_blueprints(app: "Flask") -> None:
    """Attach the web blueprints."""
    from workbench.web import register_blueprints as register_web

    register_web(app)


def register_errorhandlers(app: "Flask") -> None:
    """Answer HTTP errors with the site's own pages (JSON under /api/), never a traceback;
    refusals with theirs."""
    from sqlalchemy.exc import OperationalError

    from workbench.errors import WorkbenchError
    from workbench.web.errors import HTTP_ERROR_CODES, error_page, http_error_page

    def answer(error: Any) -> tuple[Any, int]:
        if getattr(error, "code", None) == 413:
            error = request_too_large(app)
        return http_error_page(error)

    for code in HTTP_ERROR_CODES:
        app.register_error_handler(code, answer)
    app.register_error_handler(WorkbenchError, error_page)
    app.register_error_handler(OperationalError, database_unavailable)


def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """Answer 503 with a page that needs no database, when it cannot be reached or timed out.

    The pool's pre-ping (PostgreSQL) or the next connection (SQLite) reconnects once it is back,
    so the workbench recovers by itself.
    """
    import logging

    from flask import current_app

    logging.getLogger(__name__).error("database unavailable: %s", type(error.orig).__name__)
    # Rendered without the context processors: they ask for the signed-in user, in the database.
    page = current_app.jinja_env.get_template("errors/unavailable.html").render()
    return page, 503, {"Retry-After": "30"}


def request_too_large(app: "Flask") -> Any:
    """A 413 that names the limit this request had: the small global one, or the claims
    upload's (two files of WORKBENCH_CLAIMS_MAX_BYTES)."""
    from flask import request
    from werkzeug.exceptions import RequestEntityTooLarge

    from workbench.services.claims_uploads import size_text

    limit = request.max_content_length
    if not limit:
        return RequestEntityTooLarge()
    if limit != app.config.get("WORKBENCH_UPLOAD_MAX_REQUEST_BYTES"):
        return RequestEntityTooLarge(
            f"The request is larger than the {size_text(limit)} this workbench accepts."
        )
    per_file = size_text(app.config["WORKBENCH_CLAIMS_MAX_BYTES"])
    return RequestEntityTooLarge(
        f"The upload is larger than the {size_text(limit)} this workbench accepts in one "
        f"request (a claims file may be at most {per_file}). Use smaller files, or ask an "
        "administrator to size the extract from files on the server."
    )
