"""Workbench errors at the web edge: under the form field they name, or as the error page."""

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, render_template, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from workbench.errors import Problem, WorkbenchError

# The HTTP errors answered with the site's own page (or, in the API, its JSON).
HTTP_ERROR_CODES = (400, 401, 403, 404, 405, 409, 413, 429, 500)
# Every address under it answers JSON, even one no route matches.
API_PREFIX = "/api/"


def show_on_form(
    form: FlaskForm, error: WorkbenchError, default: str, aliases: Mapping[str, str] | None = None
) -> None:
    """Put each message of `error` under the field it names, else under the `default` field
    (with the name of what it is about: a scenario file's `program.care_manager_fte: ...`).

    `aliases` maps a service's field name to the form's where they differ (rates.99492 is the
    form's rate_99492).
    """
    for problem in error.problems:
        name = (aliases or {}).get(problem.field or "", problem.field or "")
        field = form._fields.get(name)
        if field is None:
            field, message = form[default], str(problem)
        else:
            message = problem.message
        field.errors = [*field.errors, message]


def error_page(error: WorkbenchError) -> tuple[Any, int]:
    """Answer a refusal no view turned into a form error: the error page, or the API's JSON."""
    if request.path.startswith(API_PREFIX):
        return json_errors(error.problems, error.status)
    return render_template(
        "errors/error.html", code=error.status, message=error.message
    ), error.status


def http_error_page(error: HTTPException) -> tuple[Any, int]:
    """Answer an HTTP error (404, 413, 500...): the site's page, or the API's JSON.

    A 500 says only that something went wrong; what went wrong is in the server log.
    """
    code = error.code or 500
    if request.path.startswith(API_PREFIX):
        return json_errors([Problem(None, error.description or error.name)], code)
    return render_template("errors/error.html", code=code, error=error), code


def json_errors(problems: list[Problem], status: int) -> tuple[Response, int]:
    """The API's one error shape: `{"errors": [{"field": ..., "message": ...}]}`."""
    return jsonify(errors=[asdict(problem) for problem in problems]), status
