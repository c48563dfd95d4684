"""Recognise an input file (CSV or Parquet), check its header, and say how DuckDB should scan it."""

import codecs
import csv
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb

from workbench.claims.columns import Column, quoted_name, quoted_text
from workbench.claims.errors import ClaimsInputError

PARQUET_MAGIC = b"PAR1"
CSV_SUFFIXES = (".csv", ".txt")
DELIMITERS = (",", ";", "\t", "|")
# Enough of the file to tell text from binary without reading it all.
SNIFF_BYTES = 64 * 1024
MAX_HEADER_CHARS = 1024 * 1024


class FileFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True)
class InputFile:
    """A recognised input file: where its wanted columns are and what type each is stored as."""

    path: Path
    format: FileFormat
    # canonical column name -> (name in the file, stored type; for CSV, the type the reader parses)
    columns: dict[str, tuple[str, str]]
    header: tuple[str, ...]  # every column name as written in the file, in file order
    delimiter: str = ","

    @property
    def name(self) -> str:
        return self.path.name

    def source_type(self, column: Column, row_numbers: bool = False) -> str:
        """Return the type `column` has in `scan(row_numbers)` (VARCHAR, DATE, DOUBLE...)."""
        if row_numbers and self.format is FileFormat.CSV:
            return "VARCHAR"
        return self.columns[column.name][1]

    def scan(self, row_numbers: bool = False) -> str:
        """Return a SQL relation exposing the wanted columns under their canonical names.

        With `row_numbers`, a `row_no` column gives each row's number as error messages count it:
        the line of a CSV file (1 is the header), the 1-based row of a Parquet file; CSV columns
        are then all read as text, so that a bad value can be found and shown.
        """
        if self.format is FileFormat.PARQUET:
            return self._parquet_scan(row_numbers)
        return self._csv_scan(row_numbers)

    def _csv_scan(self, row_numbers: bool) -> str:
        wanted = {
            name_in_file: (canonical, stored)
            for canonical, (name_in_file, stored) in self.columns.items()
        }
        # The reader types the columns itself (fastest); a bad value makes it fail, and the
        # text-only scan with row numbers then finds which. Unused columns get placeholder names.
        declared = [
            wanted.get(name, (f"unused_{position}", "VARCHAR"))
            for position, name in enumerate(self.header)
        ]
        types = ", ".join(
            f"{quoted_text(name)}: {quoted_text('VARCHAR' if row_numbers else stored)}"
            for name, stored in declared
        )
        scan = (
            f"read_csv({quoted_text(str(self.path))}, header = true, auto_detect = false, "
            f"delim = {quoted_text(self.delimiter)}, quote = '\"', escape = '\"', "
            f"columns = {{{types}}})"
        )
        if not row_numbers:
            return scan
        return f"(SELECT *, ordinality + 1 AS row_no FROM {scan} WITH ORDINALITY)"  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text); no value is spliced raw

    def _parquet_scan(self, row_numbers: bool) -> str:
        selected = ", ".join(
            f"{quoted_name(name_in_file)} AS {quoted_name(canonical)}"
            for canonical, (name_in_file, _) in self.columns.items()
        )
        options = ", file_row_number = true" if row_numbers else ""
        numbered = ", file_row_number + 1 AS row_no" if row_numbers else ""
        return (
            f"(SELECT {selected}{numbered} "  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text); no value is spliced raw
            f"FROM read_parquet({quoted_text(str(self.path))}{options}))"
        )


def open_input(path: Path, columns: tuple[Column, ...], max_bytes: int | None = None) -> InputFile:
    """Recognise `path`, check it has every column, or raise ClaimsInputError."""
    size = _size(path)
    if size == 0:
        raise ClaimsInputError(path, "the file is empty")
    if max_bytes is not None and size > max_bytes:
        raise ClaimsInputError(
            path, f"{_megabytes(size)} is over the {_megabytes(max_bytes)} limit for this file"
        )
    if _starts_with(path, PARQUET_MAGIC):
        header = _parquet_header(path)
        return _described(path, FileFormat.PARQUET, header, columns)
    if path.suffix.lower() not in CSV_SUFFIXES or not _looks_like_text(path):
        raise ClaimsInputError(path, "not a CSV or Parquet file")
    line = _first_line(path)
    delimiter = _delimiter(line, columns)
    header = [(name, "VARCHAR") for name in next(csv.reader([line], delimiter=delimiter))]
    return _described(path, FileFormat.CSV, header, columns, delimiter)


def _described(
    path: Path,
    file_format: FileFormat,
    header: list[tuple[str, str]],
    columns: tuple[Column, ...],
    delimiter: str = ",",
) -> InputFile:
    """Match the header against the wanted columns (case and spaces ignored)."""
    found: dict[str, tuple[str, str]] = {}
    for name, stored_type in header:
        canonical = name.strip().lower()
        if canonical in found:
            raise ClaimsInputError(path, "appears twice in the header", row=1, column=canonical)
        found[canonical] = (name, stored_type)
    missing = [column.name for column in columns if column.name not in found]
    if missing:
        raise ClaimsInputError(path, "missing from the header", row=1, column=", ".join(missing))
    wanted = {column.name: found[column.name] for column in columns}
    if file_format is FileFormat.CSV:
        wanted = {column.name: (found[column.name][0], column.csv_type) for column in columns}
    return InputFile(path, file_format, wanted, tuple(name for name, _ in header), delimiter)


def _size(path: Path) -> int:
    try:
        if not path.is_file():
            raise ClaimsInputError(path, "no such file")
        return path.stat().st_size
    except OSError as error:
        raise ClaimsInputError(path, f"cannot be read ({error.strerror})") from error


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _looks_like_text(path: Path) -> bool:
    """Tell UTF-8 text from binary (a spreadsheet, an archive) by the first block."""
    with path.open("rb") as handle:
        block = handle.read(SNIFF_BYTES)
    if b"\x00" in block:
        return False
    try:
        # Incremental, so a character cut at the end of the block is not taken for an error.
        codecs.getincrementaldecoder("utf-8")().decode(block, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        line = handle.readline(MAX_HEADER_CHARS).rstrip("\r\n")
    if not line.strip():
        raise ClaimsInputError(path, "the first line is empty; expected a header", row=1)
    return line


def _delimiter(line: str, columns: tuple[Column, ...]) -> str:
    """Pick the delimiter that splits the header into the most wanted column names."""
    wanted = {column.name for column in columns}

    def matches(delimiter: str) -> int:
        names = next(csv.reader([line], delimiter=delimiter))
        return len(wanted & {name.strip().lower() for name in names})

    return max(DELIMITERS, key=matches)


def _parquet_header(path: Path) -> list[tuple[str, str]]:
    try:
        with duckdb.connect() as con:
            described = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({quoted_text(str(path))})"  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text); no value is spliced raw
            ).fetchall()
    except duckdb.Error as error:
        raise ClaimsInputError(path, "not a readable Parquet file") from error
    return [(name, str(stored_type)) for name, stored_type, *_ in described]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"
