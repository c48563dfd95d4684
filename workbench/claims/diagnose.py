"""Find the bad rows of a file the fast scan refused, to name each row and column.

Runs only after a failure, so it may take a second, slower pass: every column read as text with
row numbers, each rule applied leniently (TRY_CAST) so every problem is seen at once; the first
MAX_REPORTED are named. The values themselves are never read back: they may be health data.
"""

import re

import duckdb

from workbench.claims.columns import Column, Kind, quoted_name
from workbench.claims.errors import MAX_REPORTED, ClaimsInputError, Located
from workbench.claims.files import FileFormat, InputFile

_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELD_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def bad_rows(
    con: duckdb.DuckDBPyConnection, source: InputFile, columns: tuple[Column, ...]
) -> ClaimsInputError | None:
    """Return the error naming the first MAX_REPORTED bad values of `source` (row and column,
    in file order), or None if none is found."""
    checks = [(column, _bad_value(column, source)) for column in columns if _checked(column)]
    flags = ", ".join(f"{bad}, {quoted_name(column.name)} IS NULL" for column, bad in checks)
    any_bad = " OR ".join(bad for _, bad in checks)
    # One more row than can be listed, to know whether there are more.
    query = (
        f"SELECT row_no, {flags} FROM {source.scan(row_numbers=True)} "  # nosec B608 # quoted names and our own predicates
        f"WHERE {any_bad} ORDER BY row_no LIMIT {MAX_REPORTED + 1}"
    )
    con.execute("SET threads = 1")
    try:
        rows = con.execute(query).fetchall()
    except (duckdb.InvalidInputException, duckdb.IOException) as error:
        return unreadable_error(source, error)
    found = [
        Located(source.name, column.problem(missing=row[2 + 2 * index]), row[0], column.name)
        for row in rows
        for index, (column, _) in enumerate(checks)
        if row[1 + 2 * index]
    ]
    if not found:
        return None
    return ClaimsInputError.several(found[:MAX_REPORTED], more=len(found) > MAX_REPORTED)


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
