"""`/healthz` for the proxy and the monitor: no sign-in, no secrets; 200 or 503 with what failed."""

from flask import Blueprint, current_app, jsonify

from workbench.services.health import check_health
from workbench.web.unit import work

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """Answer 200 when the database, Redis (if set) and the upload disk are fine, else 503."""
    health = check_health(work(), current_app.config)
    response = jsonify(health.to_json())
    response.status_code = 200 if health.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
