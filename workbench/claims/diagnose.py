"""Find the first bad row of a file the fast scan refused, to name its row, column and value.

Runs only after a failure, so it may take a second, slower pass: one thread, every column read as
text with row numbers, each rule applied leniently (TRY_CAST) so every problem is seen at once.
"""

import re

import duckdb

from workbench.claims.columns import Column, Kind, quoted_name
from workbench.claims.errors import ClaimsInputError
from workbench.claims.files import FileFormat, InputFile

_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELD_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def first_problem(
    con: duckdb.DuckDBPyConnection, source: InputFile, columns: tuple[Column, ...]
) -> ClaimsInputError | None:
    """Return the error for the first bad value of `source`, or None if none is found."""
    checks = [(column, _bad_value(column, source)) for column in columns if _checked(column)]
    selects = ", ".join(
        f"min(row_no) FILTER (WHERE {bad}), "
        f"arg_min(CAST({quoted_name(column.name)} AS VARCHAR), row_no) "
        f"FILTER (WHERE {bad})"
        for column, bad in checks
    )
    # One thread: rows are numbered in file order and the first bad one is found deterministically.
    con.execute("SET threads = 1")
    try:
        # An aggregate query: exactly one row.
        [found] = con.execute(f"SELECT {selects} FROM {source.scan(row_numbers=True)}").fetchall()  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text); no value is spliced raw
    except (duckdb.InvalidInputException, duckdb.IOException) as error:
        return unreadable_error(source, error)
    problems = [
        (found[2 * index], column, found[2 * index + 1])
        for index, (column, _) in enumerate(checks)
        if found[2 * index] is not None
    ]
    if not problems:
        return None
    row, column, value = min(problems, key=lambda problem: problem[0])
    return ClaimsInputError(source.path, column.problem(value), row=row, column=column.name)


def unreadable_error(source: InputFile, error: duckdb.Error) -> ClaimsInputError:
    """Turn a reader's error (wrong field count, bad quote, not UTF-8, broken file) into ours."""
    if source.format is FileFormat.PARQUET:
        return ClaimsInputError(source.path, "cannot be read as Parquet")
    text = str(error)
    line = _CSV_LINE.search(text)
    row = int(line.group(1)) if line else None
    counts = _FIELD_COUNT.search(text)
    if counts:
        problem = f"expected {counts.group(1)} fields, found {counts.group(2)}"
    elif "unicode" in text.lower():
        problem = "not UTF-8 text"
    elif "unterminated quote" in text.lower():
        problem = "a quoted value is never closed"
    else:
        problem = "cannot be read as CSV"
    return ClaimsInputError(source.path, problem, row=row)


def _checked(column: Column) -> bool:
    """Whether a value of this column can be wrong: missing when required, or unreadable."""
    return column.required or column.kind not in (Kind.TEXT, Kind.CODES)


def _bad_value(column: Column, source: InputFile) -> str:
    """SQL true when the row's value is missing (if required) or cannot be read."""
    raw = quoted_name(column.name)
    typed = column.read(source.source_type(column, row_numbers=True), lenient=True)
    unreadable = f"({raw} IS NOT NULL AND {typed} IS NULL)"
    return f"({raw} IS NULL OR {unreadable})" if column.required else unreadable
