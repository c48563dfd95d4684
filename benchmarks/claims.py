"""Size a synthetic claims extract by hand: python benchmarks/claims.py [--claims N] [--format F]

Writes a seeded, realistic extract (members + claims) with DuckDB itself, then times, each in its
own process so peak memory is measured apart: `workbench.claims.size_claims` on the files, and one
hand-written DuckDB query that computes the same figures with no checks. Then the same comparison
as whole processes, start-up included, as a person runs them: `workbench claims size` against a
Python process that imports DuckDB and runs the hand-written query. Targets on a 2-core
machine: 10 million claim lines with 1.2 million member-months in under 30 s, peak memory under
2 GB (under 1 GB for the whole command), and no more than 1.5x the hand-written query's time.

    python benchmarks/claims.py                      # full size, Parquet
    python benchmarks/claims.py --claims 200000 --member-months 24000 --format csv
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import duckdb

TARGET_SECONDS = 30.0
TARGET_PEAK_BYTES = 2 * 1024**3
TARGET_RATIO = 1.5
TARGET_COMMAND_PEAK_BYTES = 1024**3
WORKBENCH = Path(sys.executable).with_name("workbench")
MONTHS = 12
FIRST_MONTH = "2024-01-01"

# (payer, share of members)
PAYERS = (("Commercial Plan A", 50), ("Medicaid MCO", 35), ("Medicare Advantage", 15))
# (setting, share of claim lines in per mille, typical allowed amount)
SETTINGS = (
    ("professional", 480, 30),
    ("pharmacy", 250, 30),
    ("outpatient", 190, 70),
    ("other", 74, 15),
    ("ed", 5, 1100),
    ("inpatient", 1, 14000),
)
BH_CODES = ("F32.9", "F33.1", "F41.1", "F31.9", "F20.9", "F1020", "F431.0")
CHRONIC_CODES = ("E11.9", "E119", "I10", "I25.10", "I50.9", "J44.9", "J45.909", "E10.9")
OTHER_CODES = ("Z00.00", "M54.50", "R51.9", "K21.9", "J06.9", "Z23", "N39.0")


def main() -> None:
    """Generate an extract, time the module and the hand-written query, print the figures."""
    options = _arguments()
    if options.role:
        _child(options)
        return
    with tempfile.TemporaryDirectory(prefix="claims-bench-") as folder:
        members, claims = _generate_apart(options, folder)
        module = _run_child("module", members, claims)
        query = _run_child("query", members, claims)
        command = _whole_process(
            [
                str(WORKBENCH),
                "claims",
                "size",
                "--members",
                str(members),
                "--claims",
                str(claims),
                "--json",
            ],
            folder,
        )
        plain = _whole_process(
            [sys.executable, __file__, "--role", "plain-query", str(members), str(claims)], folder
        )
    _report(module, query)
    _report_processes(command, plain)


def _generate_apart(options: argparse.Namespace, folder: str) -> tuple[Path, Path]:
    """Generate the extract in a child process, which prints its size; return the two paths.

    Not in this process: Linux keeps a process's peak memory across exec, and subprocess starts
    children with vfork, so every process started after DuckDB had grown here to write 10
    million lines would report this process's peak (1.1 GB) as its own.
    """
    command = [sys.executable, __file__, "--role", "generate", "--claims", str(options.claims)]
    command += ["--member-months", str(options.member_months), "--seed", str(options.seed)]
    command += ["--format", options.format, folder]
    subprocess.run(command, check=True)
    return Path(folder) / f"members.{options.format}", Path(folder) / f"claims.{options.format}"


def _generate_and_describe(options: argparse.Namespace) -> None:
    start = time.perf_counter()
    members, claims = generate(
        Path(options.files[0]), options.claims, options.member_months, options.seed, options.format
    )
    print(f"generated {members.name} and {claims.name} in {time.perf_counter() - start:.1f} s")
    size = claims.stat().st_size / 1e6
    print(f"  {_rows(claims):,} claim lines ({size:,.0f} MB), {_rows(members):,} member rows")


def generate(
    folder: Path, claim_lines: int, member_months: int, seed: int = 7, file_format: str = "parquet"
) -> tuple[Path, Path]:
    """Write members and claims files of about the given sizes into `folder`; return the paths."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # Pseudo-random draws come from hash(row, seed), not random(): the same seed gives the same
    # extract whatever the thread count.
    con.execute(f"CREATE MACRO u(i, salt) AS (hash(i, salt, {seed}) % 1000000) / 1000000.0")
    _create_member_table(con, member_months)
    members_path = folder / f"members.{file_format}"
    claims_path = folder / f"claims.{file_format}"
    _copy(con, _MEMBER_MONTHS_SQL, members_path, file_format)
    _copy(con, _claims_sql(claim_lines), claims_path, file_format)
    con.close()
    return members_path, claims_path


def _create_member_table(con: duckdb.DuckDBPyConnection, member_months: int) -> None:
    """One row per member: payer, conditions, enrolment span and relative claim volume."""
    # 85% of members are enrolled all year, the rest for 1 to 6 months (3.5 on average).
    members = round(member_months / (0.85 * MONTHS + 0.15 * 3.5))
    payer_case = _cumulative_case("u(i, 1) * 100", [(f"'{n}'", s) for n, s in PAYERS])
    con.execute(f"""
        CREATE TABLE member AS
        SELECT i, 'M' || lpad(i::VARCHAR, 8, '0') AS member_id, {payer_case} AS payer,
               u(i, 2) < 0.20 AS bh, u(i, 3) < (CASE WHEN u(i, 2) < 0.20 THEN 0.42 ELSE 0.27 END)
                   AS chronic,
               CASE WHEN u(i, 4) < 0.85 THEN 0 ELSE floor(u(i, 5) * 6)::INT END AS first_month,
               CASE WHEN u(i, 4) < 0.85 THEN 12 ELSE 1 + floor(u(i, 6) * 6)::INT END AS months,
               -- Heavy-tailed use: a few members account for much of the cost.
               (0.2 + pow(u(i, 7), 4) * 6) * (CASE WHEN u(i, 2) < 0.20 THEN 2.2 ELSE 1 END)
                   * (CASE WHEN u(i, 3) < 0.3 THEN 1.6 ELSE 1 END) AS intensity
        FROM range({members}) t(i)
    """)
    con.execute("""
        CREATE TABLE member_month AS
        SELECT m.*, m.first_month + k AS month_index
        FROM member m, range(m.months) r(k)
    """)


_MEMBER_MONTHS_SQL = f"""
    SELECT member_id, payer,
           strftime(DATE '{FIRST_MONTH}' + to_months(month_index), '%Y-%m') AS month
    FROM member_month
    -- 0.5% of rows repeated: extracts often carry duplicate eligibility rows.
    UNION ALL
    SELECT member_id, payer, strftime(DATE '{FIRST_MONTH}' + to_months(month_index), '%Y-%m')
    FROM member_month WHERE u(i * 100 + month_index, 8) < 0.005
"""


def _claims_sql(claim_lines: int) -> str:
    """Claim lines spread over member-months by each member's intensity."""
    setting_case = _cumulative_case("u(n, 11) * 1000", [(f"'{s}'", w) for s, w, _ in SETTINGS])
    amount_case = " ".join(f"WHEN '{s}' THEN {amount}" for s, _, amount in SETTINGS)
    return f"""
        WITH weights AS (
            SELECT *, sum(intensity) OVER () AS total FROM member_month
        ), lines AS (
            -- A line's number comes from its member-month and place, not from the scan order,
            -- so the same seed gives the same lines.
            SELECT w.*, (w.i * 100 + w.month_index) * 100000 + k AS n
            FROM weights w,
                 range(CAST(floor(w.intensity / w.total * {claim_lines}
                                  + u(w.i * 100 + w.month_index, 9)) AS BIGINT)) r(k)
        ), priced AS (
            SELECT *, {setting_case} AS setting FROM lines
        )
        SELECT
            'C' || lpad(n::VARCHAR, 14, '0') AS claim_id,
            -- 1.5% of lines name a member who is not in the members file.
            CASE WHEN u(n, 12) < 0.015 THEN 'X' || member_id ELSE member_id END AS member_id,
            payer,
            -- 1% fall in a month outside the member's eligibility.
            CAST(DATE '{FIRST_MONTH}' + to_months(month_index
                 + CASE WHEN u(n, 13) < 0.01 THEN 13 ELSE 0 END) AS DATE)
                + CAST(floor(u(n, 14) * 28) AS INT) AS service_date,
            setting,
            CAST(round((CASE setting {amount_case} END) * (0.3 + 1.4 * u(n, 15))
                 * (CASE WHEN bh AND setting IN ('ed', 'inpatient') THEN 1.4 ELSE 1 END)
                 -- 2% are reversals of an earlier line.
                 * (CASE WHEN u(n, 16) < 0.02 THEN -1 ELSE 1 END), 2) AS DECIMAL(18, 2))
                AS allowed_amount,
            CASE WHEN setting = 'pharmacy' THEN NULL ELSE concat_ws(';',
                CASE WHEN bh AND u(n, 17) < 0.45 THEN {_pick(BH_CODES, "u(n, 18)")} END,
                CASE WHEN chronic AND u(n, 19) < 0.5 THEN {_pick(CHRONIC_CODES, "u(n, 20)")} END,
                {_pick(OTHER_CODES, "u(n, 21)")}) END AS dx_codes
        FROM priced
    """


def _pick(values: tuple[str, ...], draw: str) -> str:
    """A SQL expression choosing one of `values` uniformly by `draw`."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"[{listed}][1 + floor({draw} * {len(values)})::INT]"


def _cumulative_case(draw: str, shares: list[tuple[str, int]]) -> str:
    """A SQL CASE choosing a value by where `draw` falls among cumulative shares."""
    branches, bound = [], 0
    for value, share in shares:
        bound += share
        branches.append(f"WHEN {draw} < {bound} THEN {value}")
    return f"CASE {' '.join(branches[:-1])} ELSE {shares[-1][0]} END"


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path, file_format: str) -> None:
    """Write a query's rows to CSV (with a header) or Parquet."""
    options = "FORMAT parquet, COMPRESSION zstd" if file_format == "parquet" else "HEADER"
    con.execute(f"COPY ({sql}) TO '{path}' ({options})")


def _rows(path: Path) -> int:
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    return duckdb.execute(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0]


# -- timed runs, each in a child process ------------------------------------------------------


def _run_child(role: str, members: Path, claims: Path) -> dict:
    """Run one timed sizing in a fresh process and return its time, peak memory and figures."""
    command = [sys.executable, __file__, "--role", role, str(members), str(claims)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def _whole_process(command: list[str], folder: str) -> dict:
    """Run a command from start to exit; return its wall-clock seconds and its peak memory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["WORKBENCH_INSTANCE_PATH"] = str(Path(folder) / "instance")
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed with status {os.waitstatus_to_exitcode(status)}")
    # ru_maxrss is in kilobytes on Linux.
    return {"seconds": seconds, "peak_bytes": usage.ru_maxrss * 1024}


def _child(options: argparse.Namespace) -> None:
    if options.role == "generate":
        _generate_and_describe(options)
        return
    members, claims = Path(options.files[0]), Path(options.files[1])
    if options.role == "plain-query":
        # A process an analyst would write: DuckDB and the query, nothing of the workbench.
        print(json.dumps(_hand_query(members, claims)))
        return
    # Imported before the clock starts: the comparison is of the sizing, not of start-up.
    import workbench.claims  # noqa: F401

    start = time.perf_counter()
    figures = (
        _size_with_module(members, claims)
        if options.role == "module"
        else _hand_query(members, claims)
    )
    seconds = time.perf_counter() - start
    # ru_maxrss is in kilobytes on Linux: the whole process, DuckDB's native memory included.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "figures": figures}))


def _size_with_module(members: Path, claims: Path) -> dict:
    from workbench.claims import SavingsRate, SizingOptions, size_claims

    rates = [
        SavingsRate("milliman_2017_savings_pct", "Milliman 2017", Decimal("0.09"), Decimal("0.17"))
    ]
    result = size_claims(members, claims, rates, SizingOptions(threads=2))
    overall = result.overall
    shown = result.to_json()["overall"]
    return {
        "members": overall.members,
        "member_months": overall.member_months,
        "tcoc_pmpm": shown["tcoc_pmpm"],
        "pmpm_with_bh": shown["cohorts"]["with_bh"]["pmpm"],
        "bh_prevalence": shown["bh_prevalence"],
        "top5pct_cost_share": shown["top5pct_cost_share"],
        "unmatched_lines": result.unmatched.claim_lines,
    }


# The same figures in one statement, as an analyst would write it: no checks, no row numbers,
# no suppression; per payer and for everyone (payer NULL) through GROUPING SETS.
HAND_QUERY = """
WITH member_months AS (
    SELECT DISTINCT member_id, payer, strptime(month, '%Y-%m')::DATE AS month
    FROM read_{fmt}('{members}')
), by_member AS (
    SELECT c.member_id, c.payer, e.member_id IS NOT NULL AS counted,
           count(*) AS lines, sum(c.allowed_amount::DECIMAL(18, 4)) AS cost,
           bool_or(regexp_matches(c.dx_codes, '(^|;)\\s*[Ff]')) AS bh,
           bool_or(regexp_matches(c.dx_codes,
               '(^|;)\\s*([Ee](0[89]|1[0-3])|[Ii](1[0-6]|2[0-5]|50)|[Jj]4[45])')) AS chronic,
           count(DISTINCT CASE WHEN c.setting = 'ed' THEN c.service_date END) AS ed,
           count(DISTINCT CASE WHEN c.setting = 'inpatient' THEN c.service_date END)
               AS admissions
    FROM read_{fmt}('{claims}') c
    LEFT JOIN member_months e
      ON c.member_id = e.member_id AND c.payer = e.payer
     AND date_trunc('month', c.service_date::DATE)::DATE = e.month
    GROUP BY c.member_id, c.payer, counted
), members AS (
    SELECT e.member_id, e.payer, e.months, coalesce(b.cost, 0) AS cost,
           coalesce(b.bh, false) AS bh, coalesce(b.chronic, false) AS chronic,
           coalesce(b.ed, 0) AS ed, coalesce(b.admissions, 0) AS admissions
    FROM (SELECT member_id, payer, count(*) AS months FROM member_months GROUP BY ALL) e
    LEFT JOIN by_member b ON b.counted AND b.member_id = e.member_id AND b.payer = e.payer
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY payer ORDER BY cost DESC) AS payer_place,
           count(*) OVER (PARTITION BY payer) AS payer_members,
           row_number() OVER (ORDER BY cost DESC) AS place, count(*) OVER () AS everyone
    FROM members
), unmatched AS (
    SELECT sum(lines) AS lines, sum(cost) AS cost FROM by_member WHERE NOT counted
)
SELECT payer, count(*) AS members, sum(months) AS member_months,
       sum(cost) / sum(months) AS tcoc_pmpm,
       sum(cost) FILTER (WHERE bh) / sum(months) FILTER (WHERE bh) AS pmpm_with_bh,
       sum(cost) FILTER (WHERE NOT bh) / sum(months) FILTER (WHERE NOT bh) AS pmpm_without_bh,
       sum(cost) FILTER (WHERE bh AND chronic) / sum(months) FILTER (WHERE bh AND chronic),
       sum(cost) FILTER (WHERE chronic AND NOT bh) / sum(months) FILTER (WHERE chronic AND NOT bh),
       count(*) FILTER (WHERE bh) / count(*) AS bh_prevalence,
       sum(ed) * 12000 / sum(months) AS ed_per_1000,
       sum(admissions) * 12000 / sum(months) AS admissions_per_1000,
       CASE WHEN grouping(payer) = 1
            THEN sum(cost) FILTER (WHERE place <= (everyone + 19) // 20)
            ELSE sum(cost) FILTER (WHERE payer_place <= (payer_members + 19) // 20)
       END / sum(cost) AS top5pct_cost_share,
       any_value((SELECT lines FROM unmatched)) AS unmatched_lines
FROM ranked
GROUP BY GROUPING SETS ((payer), ())
ORDER BY payer NULLS FIRST
"""


def _hand_query(members: Path, claims: Path) -> dict:
    fmt = "parquet" if members.suffix == ".parquet" else "csv"
    con = duckdb.connect()
    con.execute("SET threads = 2; SET memory_limit = '2GB'; SET preserve_insertion_order = false")
    row = con.execute(HAND_QUERY.format(fmt=fmt, members=members, claims=claims)).fetchall()[0]
    return {
        "members": row[1],
        "member_months": row[2],
        "tcoc_pmpm": str(round(row[3], 2)),
        "pmpm_with_bh": str(round(row[4], 2)),
        "bh_prevalence": str(round(row[8], 4)),
        "top5pct_cost_share": str(round(row[11], 4)),
        "unmatched_lines": row[12],
    }


def _report(module: dict, query: dict) -> None:
    ratio = module["seconds"] / query["seconds"]
    print(f"{'run':<22}{'seconds':>10}{'peak MB':>10}")
    for name, run in (("workbench.claims", module), ("hand-written query", query)):
        print(f"{name:<22}{run['seconds']:>10.2f}{run['peak_bytes'] / 2**20:>10,.0f}")
    print(f"ratio module / query: {ratio:.2f}")
    print("figures (module):", json.dumps(module["figures"]))
    print("figures (query): ", json.dumps(query["figures"]))
    checks = [
        (f"time < {TARGET_SECONDS:g} s", module["seconds"] < TARGET_SECONDS),
        ("peak memory < 2 GB", module["peak_bytes"] < TARGET_PEAK_BYTES),
        (f"ratio <= {TARGET_RATIO}", ratio <= TARGET_RATIO),
    ]
    for label, met in checks:
        print(f"  {label}: {'met' if met else 'MISSED'}")


def _report_processes(command: dict, plain: dict) -> None:
    ratio = command["seconds"] / plain["seconds"]
    print("\nwhole processes, start-up included:")
    print(f"{'run':<28}{'seconds':>10}{'peak MB':>10}")
    for name, run in (("workbench claims size", command), ("plain DuckDB query", plain)):
        print(f"{name:<28}{run['seconds']:>10.2f}{run['peak_bytes'] / 2**20:>10,.0f}")
    print(f"ratio command / plain query: {ratio:.2f}")
    checks = [
        (f"ratio <= {TARGET_RATIO}", ratio <= TARGET_RATIO),
        ("peak memory < 1 GB", command["peak_bytes"] < TARGET_COMMAND_PEAK_BYTES),
    ]
    for label, met in checks:
        print(f"  {label}: {'met' if met else 'MISSED'}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000_000, help="claim lines to generate")
    parser.add_argument("--member-months", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument(
        "--role", choices=("generate", "module", "query", "plain-query"), help=argparse.SUPPRESS
    )
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
