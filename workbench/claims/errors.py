"""Errors of claims sizing: above all, what is wrong with an input file, and where."""

from pathlib import Path


class ClaimsSizingError(Exception):
    """Claims sizing could not finish (DuckDB could not start, or ran out of memory)."""

    @property
    def message(self) -> str:
        """Return the one-line message."""
        return str(self)


class ClaimsInputError(ClaimsSizingError):
    """An input file cannot be sized; names the file, the row (1 = the header) and the column."""

    def __init__(
        self, file: Path | str, problem: str, row: int | None = None, column: str | None = None
    ):
        self.file = Path(file).name
        self.problem = problem
        self.row = row
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Return the one-line message, e.g. `claims.csv row 17, column service_date: ...`."""
        where = [self.file]
        if self.row is not None:
            where.append(f" row {self.row}")
        if self.column is not None:
            where.append(f"{',' if self.row is not None else ''} column {self.column}")
        return f"{''.join(where)}: {self.problem}"
