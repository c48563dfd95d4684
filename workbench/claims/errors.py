"""Errors of claims sizing: above all, what is wrong with an input file, and where.

A claims extract is health data: a message names the file, the row and the column and says what
is wrong ("not a date in YYYY-MM-DD form"), never the value found there, so no member's data
reaches a screen, a job record or a log through an error.
"""

from dataclasses import dataclass
from pathlib import Path

from workbench.errors import Problem, WorkbenchError

# A bad file reports this many problems at once; more are summed up in one line.
MAX_REPORTED = 20


class ClaimsSizingError(WorkbenchError):
    """Claims sizing could not finish (DuckDB could not start, or ran out of memory)."""


@dataclass(frozen=True)
class Located:
    """One problem of an input file: the file's name, the row (1 = the header), the column."""

    file: str
    problem: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        # One line, e.g. `claims.csv row 17, column service_date: not a date ...`.
        where = [self.file]
        if self.row is not None:
            where.append(f" row {self.row}")
        if self.column is not None:
            where.append(f"{',' if self.row is not None else ''} column {self.column}")
        return f"{''.join(where)}: {self.problem}"


class ClaimsInputError(ClaimsSizingError):
    """An input file cannot be sized; names the file, the row and the column of each problem
    (up to MAX_REPORTED, one line each); `file`, `row`, `column` are those of the first."""

    def __init__(
        self, file: Path | str, problem: str, row: int | None = None, column: str | None = None
    ):
        self.found = [Located(Path(file).name, problem, row, column)]
        self.more = False
        super().__init__(str(self.found[0]))

    @classmethod
    def several(cls, found: list[Located], more: bool) -> "ClaimsInputError":
        """The error for several problems, in file order; `more` when others were not listed."""
        first = found[0]
        error = cls(first.file, first.problem, first.row, first.column)
        error.found, error.more = found, more
        lines = [str(item) for item in found]
        if more:
            lines.append(f"... and more problems; the first {len(found)} are listed.")
        error.message = "\n".join(lines)
        error.args = (error.message,)
        error.problems = [Problem(None, line) for line in lines]
        return error

    @property
    def file(self) -> str:
        return self.found[0].file

    @property
    def problem(self) -> str:
        return self.found[0].problem

    @property
    def row(self) -> int | None:
        return self.found[0].row

    @property
    def column(self) -> str | None:
        return self.found[0].column
