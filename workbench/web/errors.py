"""Workbench errors at the web edge: under the form field they name, or as the error page."""

from collections.abc import Mapping

from flask import render_template
from flask_wtf import FlaskForm

from workbench.errors import WorkbenchError

# The HTTP errors answered with the site's own page (or, in the API, its JSON).
HTTP_ERROR_CODES = (400, 401, 403, 404, 405, 409, 413, 429, 500)


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


def error_page(error: WorkbenchError) -> tuple[str, int]:
    """Answer a refusal no view turned into a form error with the error page and its status."""
    return render_template(
        "errors/error.html", code=error.status, message=error.message
    ), error.status
