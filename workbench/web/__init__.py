"""Blueprints: thin views that parse a request, call a service and render."""

from flask import Flask
from flask_login import current_user

from workbench.documents.environment import money, number, percent, ratio
from workbench.documents.labels import MODEL_LABELS, SHORT_MODEL_LABELS
from workbench.engine.contract import METHOD
from workbench.models.enums import ADMINISTER, REVIEW
from workbench.web.formats import per_dollar
from workbench.web.time_zones import local_time
from workbench.web.unit import finish_unit_of_work

# (endpoint, label, permission needed to see the link); every view checks again on the server.
NAV_LINKS = (
    ("negotiations.index", "Negotiations", None),
    ("organizations.index", "Organizations", None),
    ("scenarios.index", "Scenarios", None),
    ("documents.index", "Documents", None),
    ("documents.review_queue", "Review", REVIEW),
    ("library.profiles", "Library", None),
    ("admin.users", "Accounts", ADMINISTER),
    ("admin.audit_log", "Audit log", ADMINISTER),
)


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint, the page filters and the values every page reads."""
    from workbench.web import (
        admin,
        api,
        auth,
        documents,
        health,
        library,
        main,
        negotiations,
        organizations,
        scenarios,
    )

    for module in (
        health,
        auth,
        main,
        admin,
        organizations,
        library,
        scenarios,
        documents,
        negotiations,
        api,
    ):
        app.register_blueprint(module.blueprint)
    app.jinja_env.filters.update(
        money=money,
        ratio=ratio,
        percent=percent,
        number=number,
        per_dollar=per_dollar,
        local_time=local_time,
    )
    # Browsers ask for /favicon.ico whatever the page says; the static view serves it, so it
    # is public like the other static files.
    app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "favicon.ico"})
    app.context_processor(page_globals)
    app.after_request(finish_unit_of_work)


def page_globals() -> dict:
    """Give templates the navigation for this person and the engine's method version."""

    def nav_links() -> list[tuple[str, str]]:
        return [
            (endpoint, label)
            for endpoint, label, permission in NAV_LINKS
            if permission is None or current_user.can(permission)
        ]

    return {
        "nav_links": nav_links,
        "method_version": METHOD,
        "model_labels": MODEL_LABELS,
        "short_model_labels": SHORT_MODEL_LABELS,
    }
