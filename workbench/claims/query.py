"""The DuckDB statements of claims sizing, and a runner that reports progress while they run.

Each file is scanned once: members into a small eligibility table, claims into one row
per member (and whether the line matched eligibility). Member-level rows never leave DuckDB; only
sums per payer, condition and chronic flag do.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from workbench.claims.columns import CLAIM_COLUMNS, DX_SEPARATOR, MEMBER_COLUMNS, Column
from workbench.claims.files import InputFile

ProgressCallback = Callable[[str, float], None]
POLL_SECONDS = 0.2

# A code names a behavioral-health condition when it starts with F, a chronic one when it starts
# with E08-E13, I10-I16, I20-I25, I50, J44 or J45; the dot comes after three characters, so the
# prefix is the same with or without it.
BH_PATTERN = rf"(^|{DX_SEPARATOR})\s*[Ff]"
CHRONIC_PATTERN = rf"(^|{DX_SEPARATOR})\s*([Ee](0[89]|1[0-3])|[Ii](1[0-6]|2[0-5]|50)|[Jj]4[45])"


@dataclass(frozen=True)
class Cell:
    """The members of one payer with one combination of BH and chronic condition, summed."""

    payer: str
    bh: bool
    chronic: bool
    members: int
    member_months: int
    allowed: Decimal
    ed_visits: int
    admissions: int


class Runner:
    """Run statements on one connection, reporting each stage's progress while it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, progress: ProgressCallback | None):
        self.con = con
        self.progress = progress

    def run(self, sql: str, stage: str = "", parameters: dict | None = None) -> list[tuple]:
        """Execute `sql` and return its rows, reporting progress under `stage` if asked to."""
        if self.progress is None or not stage:
            return self.con.execute(sql, parameters).fetchall()
        done = threading.Event()
        poller = threading.Thread(target=self._poll, args=(self.progress, stage, done), daemon=True)
        poller.start()
        try:
            return self.con.execute(sql, parameters).fetchall()
        finally:
            done.set()
            poller.join()
            self.progress(stage, 1.0)

    def _poll(self, progress: ProgressCallback, stage: str, done: threading.Event) -> None:
        progress(stage, 0.0)
        while not done.wait(POLL_SECONDS):
            # query_progress() is a percentage, or -1 while DuckDB cannot tell yet.
            percent = self.con.query_progress()
            if percent >= 0:
                progress(stage, min(percent, 100.0) / 100)


def typed(source: InputFile, columns: tuple[Column, ...]) -> str:
    """SELECT list turning the file's raw columns into typed ones under their canonical names."""
    return ", ".join(
        f"{column.read(source.source_type(column))} AS {column.name}" for column in columns
    )


def eligibility_sql(members: InputFile) -> str:
    """One row per distinct member-month, with how many times the file lists it."""
    return f"""
        CREATE TEMP TABLE eligibility AS
        SELECT member_id, payer, month, count(*) AS copies
        FROM (SELECT {typed(members, MEMBER_COLUMNS)} FROM {members.scan()})
        GROUP BY ALL
    """  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text)


ELIGIBILITY_COUNTS = """
    SELECT count(*), coalesce(sum(copies), 0),
           count(*) FILTER (WHERE member_id IS NULL OR payer IS NULL OR month IS NULL)
    FROM eligibility
"""
PAYERS = "SELECT DISTINCT payer FROM eligibility WHERE payer IS NOT NULL ORDER BY payer"


def member_claims_sql(claims: InputFile) -> str:
    """Sum the claim lines per member, apart for lines inside and outside eligibility.

    In two steps. The lines are first summed per member, match and event (an ED visit or an
    admission on one date; none for a line of another setting), so each visit or admission
    becomes one row; the second step sums those rows per member and counts the events. This is
    count(DISTINCT date) without DuckDB's distinct aggregates, each of which hashes every line
    once more (a second or so at 10 million lines).
    """
    return f"""
        CREATE TEMP TABLE member_claims AS
        WITH lines AS (SELECT {typed(claims, CLAIM_COLUMNS)} FROM {claims.scan()}),
        events AS (
            SELECT l.member_id, l.payer, e.member_id IS NOT NULL AS counted,
                   CASE WHEN l.setting IN ('ed', 'inpatient') THEN l.setting END AS event,
                   CASE WHEN l.setting IN ('ed', 'inpatient') THEN l.service_date END
                       AS event_date,
                   count(*) AS lines,
                   sum(l.allowed_amount) AS allowed,
                   bool_or(regexp_matches(l.dx_codes, '{BH_PATTERN}')) AS bh,
                   bool_or(regexp_matches(l.dx_codes, '{CHRONIC_PATTERN}')) AS chronic,
                   -- Empty values, counted the cheap way (an empty member or payer shows as a
                   -- NULL group key instead).
                   3 * count(*) - count(l.service_date) - count(l.setting)
                       - count(l.allowed_amount) AS missing_values
            FROM lines l
            LEFT JOIN eligibility e
              ON l.member_id = e.member_id AND l.payer = e.payer
             AND CAST(date_trunc('month', l.service_date) AS DATE) = e.month
            GROUP BY ALL
        )
        SELECT member_id, payer, counted,
               sum(lines) AS lines,
               sum(allowed) AS allowed,
               bool_or(bh) AS bh,
               bool_or(chronic) AS chronic,
               count(event_date) FILTER (WHERE event = 'ed') AS ed_visits,
               count(event_date) FILTER (WHERE event = 'inpatient') AS admissions,
               sum(missing_values) AS missing_values
        FROM events
        GROUP BY member_id, payer, counted
    """  # nosec B608 # DuckDB SQL from quoted names and literals (quoted_name, quoted_text)


CLAIM_COUNTS = """
    SELECT coalesce(sum(lines), 0),
           coalesce(sum(missing_values), 0)
           + coalesce(sum(lines) FILTER (WHERE member_id IS NULL OR payer IS NULL), 0)
    FROM member_claims
"""

# `$payer` NULL means every payer.
MEMBER_FIGURES = """
    CREATE TEMP TABLE member_figures AS
    SELECT e.member_id, e.payer, e.months,
           coalesce(c.allowed, 0) AS cost,
           coalesce(c.bh, false) AS bh,
           coalesce(c.chronic, false) AS chronic,
           coalesce(c.ed_visits, 0) AS ed_visits,
           coalesce(c.admissions, 0) AS admissions
    FROM (
        SELECT member_id, payer, count(*) AS months FROM eligibility
        WHERE CAST($payer AS VARCHAR) IS NULL OR payer = $payer
        GROUP BY ALL
    ) e
    LEFT JOIN member_claims c ON c.counted AND c.member_id = e.member_id AND c.payer = e.payer
"""
MONTHS_COVERED = """
    SELECT count(DISTINCT month), min(month), max(month) FROM eligibility
    WHERE CAST($payer AS VARCHAR) IS NULL OR payer = $payer
"""
CELLS = """
    SELECT payer, bh, chronic, count(*), sum(months), sum(cost), sum(ed_visits), sum(admissions)
    FROM member_figures GROUP BY ALL ORDER BY ALL
"""
# The top 5% are the ceil(n / 20) costliest members; NULL payer stands for all payers together.
TOP_COSTS = """
    WITH ranked AS (
        SELECT payer, cost,
               row_number() OVER (PARTITION BY payer ORDER BY cost DESC) AS payer_place,
               count(*) OVER (PARTITION BY payer) AS payer_members,
               row_number() OVER (ORDER BY cost DESC) AS place,
               count(*) OVER () AS members
        FROM member_figures
    )
    SELECT payer, sum(cost) FILTER (WHERE payer_place <= (payer_members + 19) // 20)
    FROM ranked GROUP BY payer
    UNION ALL
    SELECT NULL, sum(cost) FILTER (WHERE place <= (members + 19) // 20) FROM ranked
"""
UNMATCHED = """
    SELECT payer, sum(lines), sum(allowed) FROM member_claims
    WHERE NOT counted AND (CAST($payer AS VARCHAR) IS NULL OR payer = $payer)
    GROUP BY payer ORDER BY payer
"""


def cells(rows: list[tuple]) -> list[Cell]:
    """Turn the CELLS rows into Cell objects."""
    return [Cell(*row) for row in rows]
