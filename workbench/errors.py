"""The workbench's own errors: a request that cannot be met, the field at fault, and why.

Services raise them; each edge translates them once. A page shows each message under its field
(web/errors.py), the API answers `{"errors": [{"field": ..., "message": ...}]}` with the error's
HTTP status, and the command line prints them and exits with status 2. Any other exception is
a bug: its text is logged, never shown as if it were a known failure.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request: the field (None for the request as a whole) and why."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class WorkbenchError(Exception):
    """A request that cannot be met as made; the person can fix it (HTTP 422 unless it says)."""

    status = 422

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        problems: list[Problem] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or [Problem(field, message)]
        if status is not None:
            self.status = status


class NotFoundError(WorkbenchError):
    """The record asked for does not exist, or was deleted."""

    status = 404


class ConflictError(WorkbenchError):
    """The record is not in a state that allows the change (someone else saved it first...)."""

    status = 409


def problems_from_lines(lines: list[str]) -> list[Problem]:
    """Read `"<field>: <message>"` lines (the engine's and the library's) as problems."""
    problems = []
    for line in lines:
        field, separator, message = line.partition(": ")
        named = separator and " " not in field
        problems.append(Problem(field, message) if named else Problem(None, line))
    return problems
