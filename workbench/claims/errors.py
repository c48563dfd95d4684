"""Errors of claims sizing: above all, what is wrong with an input file, and where."""

from pathlib import Path

from workbench.errors import WorkbenchError


class ClaimsSizingError(WorkbenchError):
    """Claims sizing could not finish (DuckDB could not start, or ran out of memory)."""


class ClaimsInputError(ClaimsSizingError):
    """An input file cannot be sized; names the file, the row (1 = the header) and the column."""

    def __init__(
        self, file: Path | str, problem: str, row: int | None = None, column: str | None = None
    ):
        self.file = Path(file).name
        self.problem = problem
        self.row = row
        self.column = column
        # One line, e.g. `claims.csv row 17, column service_date: ...`.
        where = [self.file]
        if row is not None:
            where.append(f" row {row}")
        if column is not None:
            where.append(f"{',' if row is not None else ''} column {column}")
        super().__init__(f"{''.join(where)}: {problem}")
