"""Size a payer's claims extract: two files in, one SizingResult of aggregates out."""

import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from workbench.claims.columns import (
    CLAIM_COLUMNS,
    MEMBER_COLUMNS,
    Column,
    quoted_text,
    setting_type_sql,
)
from workbench.claims.diagnose import bad_rows
from workbench.claims.errors import ClaimsInputError, ClaimsSizingError
from workbench.claims.figures import population
from workbench.claims.files import FileFormat, InputFile, open_input
from workbench.claims.opportunity import SavingsRate, opportunity
from workbench.claims.query import (
    CELLS,
    CLAIM_COUNTS,
    ELIGIBILITY_COUNTS,
    MEMBER_FIGURES,
    MONTHS_COVERED,
    PAYERS,
    TOP_COSTS,
    UNMATCHED,
    Cell,
    ProgressCallback,
    Runner,
    eligibility_sql,
    member_claims_sql,
)
from workbench.claims.results import Extract, PayerUnmatched, SizingResult, Unmatched
from workbench.engine.decimals import ZERO

DEFAULT_MEMORY_LIMIT = "2GB"
DEFAULT_MAX_CLAIMS_BYTES = 20 * 1000**3


@dataclass(frozen=True)
class SizingOptions:
    """How to run: DuckDB's memory cap and spill folder, threads, the claims size limit, a payer."""

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    temp_directory: Path | None = None  # None: a fresh folder, removed afterwards
    threads: int | None = None  # None: one per core
    max_claims_bytes: int | None = DEFAULT_MAX_CLAIMS_BYTES
    payer: str | None = None  # None: every payer in the members file
    # A small Parquet file can hold billions of rows; a sizing stops past these (None: no limit).
    max_rows: int | None = None
    max_seconds: float | None = None


@dataclass(frozen=True)
class _Eligibility:
    member_rows: int
    duplicates: int


def size_claims(
    members_path: Path,
    claims_path: Path,
    savings_rates: Sequence[SavingsRate] = (),
    options: SizingOptions = SizingOptions(),
    progress: ProgressCallback | None = None,
) -> SizingResult:
    """Size the extract, or raise ClaimsInputError naming the file, row and column at fault."""
    # One limit for both files: a members file is no smaller a risk to the disk.
    members = open_input(Path(members_path), MEMBER_COLUMNS, options.max_claims_bytes)
    claims = open_input(Path(claims_path), CLAIM_COLUMNS, options.max_claims_bytes)
    rates = [SavingsRate(*rate) for rate in savings_rates]
    with _connection(options) as con, _time_limit(con, options.max_seconds):
        for source in (members, claims):
            _check_rows(con, source, options.max_rows)
        runner = Runner(con, progress)
        eligibility = _load_eligibility(runner, members, options.payer)
        claim_lines = _load_claims(runner, claims)
        return _result(runner, members, claims, eligibility, claim_lines, options.payer, rates)


@contextmanager
def _time_limit(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[None]:
    """Interrupt DuckDB once the sizing has run `seconds`, and say which limit stopped it.

    An interrupt between two statements is lost, so past the limit it is repeated until the
    sizing stops.
    """
    if not seconds:
        yield
        return
    finished = threading.Event()

    def interrupt_when_late() -> None:
        if finished.wait(seconds):
            return
        while not finished.is_set():
            con.interrupt()
            finished.wait(0.05)

    watchdog = threading.Thread(target=interrupt_when_late, daemon=True)
    watchdog.start()
    try:
        yield
    except duckdb.InterruptException as error:
        raise ClaimsSizingError(
            f"the sizing took longer than its {seconds:g} s limit (WORKBENCH_CLAIMS_SECONDS) "
            "and was stopped; size a shorter period or ask an administrator to raise the limit"
        ) from error
    finally:
        finished.set()
        watchdog.join()


def _check_rows(con: duckdb.DuckDBPyConnection, source: InputFile, max_rows: int | None) -> None:
    """Refuse a Parquet file whose metadata counts more than `max_rows` rows, before reading it.

    A CSV file's rows are bounded by its size limit (a row takes bytes; a Parquet row may not).
    """
    if max_rows is None or source.format is not FileFormat.PARQUET:
        return
    metadata = f"parquet_file_metadata({quoted_text(str(source.path))})"
    sql = f"SELECT sum(num_rows) FROM {metadata}"  # nosec B608 # the path is a quoted literal
    (rows,) = con.execute(sql).fetchone() or (0,)
    if rows and rows > max_rows:
        raise ClaimsInputError(
            source.path,
            f"has {rows:,} rows, over the {max_rows:,}-row limit for a file "
            "(WORKBENCH_CLAIMS_MAX_ROWS); it was not read",
        )


@contextmanager
def _connection(options: SizingOptions) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB capped at the memory limit, spilling to a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="workbench-claims-") as own_folder:
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": options.memory_limit,
            "temp_directory": str(options.temp_directory or own_folder),
            # Aggregates need no row order; keeping it would hold rows back in memory.
            "preserve_insertion_order": False,
            # A CSV file read with its columns declared (not sniffed) is estimated at a few dozen
            # rows, so DuckDB would build the join's hash table on the claim lines instead of the
            # eligibility table: 1.5 GB instead of 0.5 GB at 10 million lines, and slower. Our
            # joins are written with the smaller side on the right; they are left as written.
            "disabled_optimizers": "build_side_probe_side",
        }
        if options.threads:
            config["threads"] = options.threads
        try:
            con = duckdb.connect(config=config)
        except duckdb.Error as error:
            raise ClaimsSizingError(f"cannot start DuckDB: {_first_line(error)}") from error
        try:
            # Progress is tracked only with the bar on; DuckDB's own printing stays off.
            con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
            con.execute(setting_type_sql())
            yield con
        except duckdb.OutOfMemoryException as error:
            raise ClaimsSizingError(
                f"ran out of memory under the {options.memory_limit} limit: {_first_line(error)}"
            ) from error
        except duckdb.IOException as error:
            # A file gone mid-read, or the spill folder full or not writable.
            raise ClaimsSizingError(f"cannot read or spill: {_first_line(error)}") from error
        finally:
            con.close()


def _load_eligibility(runner: Runner, members: InputFile, payer: str | None) -> _Eligibility:
    """Read the members file into distinct member-months; check a payer asked for is there."""
    _scan(runner, members, MEMBER_COLUMNS, eligibility_sql(members), "reading members")
    distinct, rows, incomplete = runner.run(ELIGIBILITY_COUNTS)[0]
    _check_complete(runner, members, MEMBER_COLUMNS, incomplete)
    if rows == 0:
        raise ClaimsInputError(members.path, "has a header but no rows", row=2)
    payers = [name for (name,) in runner.run(PAYERS)]
    if payer is not None and payer not in payers:
        raise ClaimsInputError(
            members.path, f"no rows for payer {payer!r} (payers: {', '.join(payers)})"
        )
    return _Eligibility(member_rows=rows, duplicates=rows - distinct)


def _load_claims(runner: Runner, claims: InputFile) -> int:
    """Read the claims file into per-member sums; return the number of claim lines."""
    _scan(runner, claims, CLAIM_COLUMNS, member_claims_sql(claims), "reading claims")
    lines, incomplete = runner.run(CLAIM_COUNTS)[0]
    _check_complete(runner, claims, CLAIM_COLUMNS, incomplete)
    if lines == 0:
        raise ClaimsInputError(claims.path, "has a header but no rows", row=2)
    return lines


def _scan(
    runner: Runner, source: InputFile, columns: tuple[Column, ...], sql: str, stage: str
) -> None:
    """Run a statement reading `source`; a bad value becomes an error naming its row."""
    try:
        runner.run(sql, stage)
    except (duckdb.ConversionException, duckdb.InvalidInputException):
        # Not chained: DuckDB's message quotes the value, which must not reach a log.
        raise _located(runner, source, columns) from None
    except duckdb.BinderException as error:
        # A column stored in a type no rule reads (a Parquet list or struct, say).
        raise ClaimsInputError(
            source.path, f"a column cannot be read: {_first_line(error)}"
        ) from error


def _check_complete(
    runner: Runner, source: InputFile, columns: tuple[Column, ...], incomplete: int
) -> None:
    """Raise for the first empty required value, if the scan counted any."""
    if incomplete:
        raise _located(runner, source, columns)


def _located(runner: Runner, source: InputFile, columns: tuple[Column, ...]) -> ClaimsInputError:
    """Find the bad rows; if the second pass finds none, say only that the file cannot be read
    (DuckDB's own words may quote a value)."""
    found = bad_rows(runner.con, source, columns)
    if found is not None:
        return found
    return ClaimsInputError(source.path, "cannot be read")


def _result(
    runner: Runner,
    members: InputFile,
    claims: InputFile,
    eligibility: _Eligibility,
    claim_lines: int,
    payer: str | None,
    rates: list[SavingsRate],
) -> SizingResult:
    """Sum the per-member rows into cells and build the result."""
    scope = {"payer": payer}
    runner.run(MEMBER_FIGURES, "summing up", scope)
    months, first, last = runner.run(MONTHS_COVERED, parameters=scope)[0]
    cells = [Cell(*row) for row in runner.run(CELLS)]
    top_costs = dict(runner.run(TOP_COSTS))
    payer_names = sorted({cell.payer for cell in cells})
    overall = population(cells, top_costs.get(None))
    by_payer = tuple(
        (name, population([c for c in cells if c.payer == name], top_costs.get(name)))
        for name in payer_names
    )
    extract = Extract(
        members.name, claims.name, eligibility.member_rows, claim_lines, first, last, months, payer
    )
    return SizingResult(
        extract=extract,
        overall=overall,
        payers=by_payer,
        unmatched=_unmatched(runner.run(UNMATCHED, parameters=scope)),
        opportunity=opportunity(overall, months, rates),
        warnings=_warnings(members, eligibility),
    )


def _unmatched(rows: list[tuple]) -> Unmatched:
    payers = tuple(PayerUnmatched(payer or "", lines, allowed) for payer, lines, allowed in rows)
    return Unmatched(
        claim_lines=sum(item.claim_lines for item in payers),
        allowed=sum((item.allowed for item in payers), ZERO),
        payers=payers,
    )


def _warnings(members: InputFile, eligibility: _Eligibility) -> tuple[str, ...]:
    if not eligibility.duplicates:
        return ()
    return (
        f"{members.name}: {eligibility.duplicates:,} duplicate row(s) (same member_id, payer "
        "and month) counted once",
    )


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
