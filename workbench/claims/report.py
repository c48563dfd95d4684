"""A readable text layout of a sizing result, for a terminal."""

from collections.abc import Callable
from decimal import Decimal

from workbench.claims.results import Cohort, Population, SizingResult
from workbench.engine.decimals import money, ratio

# A figure missing from a shown population is one the cell-size rule held back.
SUPPRESSED = "<11"


def format_result(result: SizingResult) -> str:
    """Lay a sizing result out as text tables."""
    return "\n\n".join(
        block
        for block in (
            _title(result),
            _figures_table(result),
            _unmatched(result),
            _opportunity(result),
            _warnings(result),
        )
        if block
    )


def _title(result: SizingResult) -> str:
    extract = result.extract
    scope = f", payer {extract.payer}" if extract.payer else ""
    return (
        f"Claims sizing{scope}: {extract.members_file} ({extract.member_rows:,} rows), "
        f"{extract.claims_file} ({extract.claim_lines:,} claim lines), "
        f"{extract.first_month:%Y-%m} to {extract.last_month:%Y-%m} "
        f"({extract.months_covered} months)"
    )


def _grouped(text: str | None) -> str:
    """Add thousands separators to a decimal string."""
    if text is None:
        return SUPPRESSED
    return f"{Decimal(text):,}"


def _count(value: int | None) -> str:
    return SUPPRESSED if value is None else f"{value:,}"


# (label, how to show it from a population)
_ROWS: list[tuple[str, Callable[[Population], str]]] = [
    ("members", lambda p: _count(p.members)),
    ("member-months", lambda p: _count(p.member_months)),
    ("allowed", lambda p: _grouped(money(p.allowed))),
    ("TCOC PMPM", lambda p: _grouped(money(p.tcoc_pmpm))),
    ("BH prevalence", lambda p: _grouped(ratio(p.bh_prevalence))),
    ("PMPM with BH", lambda p: _pmpm(p.cohorts.with_bh)),
    ("PMPM without BH", lambda p: _pmpm(p.cohorts.without_bh)),
    ("PMPM chronic with BH", lambda p: _pmpm(p.cohorts.chronic_with_bh)),
    ("PMPM chronic without BH", lambda p: _pmpm(p.cohorts.chronic_without_bh)),
    ("BH cost multiplier", lambda p: _grouped(ratio(p.bh_cost_multiplier))),
    ("cohort cost multiplier (mu)", lambda p: _grouped(ratio(p.cohort_cost_multiplier))),
    ("ED visits per 1,000", lambda p: _per_thousand(p.ed_visits_per_1000)),
    ("admissions per 1,000", lambda p: _per_thousand(p.admissions_per_1000)),
    ("top 5% cost share", lambda p: _grouped(ratio(p.top5pct_cost_share))),
]


def _pmpm(cohort: Cohort) -> str:
    return SUPPRESSED if cohort.suppressed else _grouped(money(cohort.pmpm))


def _per_thousand(value: Decimal | None) -> str:
    return SUPPRESSED if value is None else f"{value:,.2f}"


def _shown(population: Population, show: Callable[[Population], str]) -> str:
    return SUPPRESSED if population.suppressed else show(population)


def _figures_table(result: SizingResult) -> str:
    columns = [("overall", result.overall), *result.payers]
    header = ["figure", *(name for name, _ in columns)]
    rows = [[label, *(_shown(p, show) for _, p in columns)] for label, show in _ROWS]
    table = _table(header, rows)
    return f"{table}\n{SUPPRESSED}: suppressed, fewer than 11 members"


def _unmatched(result: SizingResult) -> str:
    unmatched = result.unmatched
    return (
        f"Left out (member, payer and month not in the members file): "
        f"{unmatched.claim_lines:,} claim lines, {_grouped(money(unmatched.allowed))} allowed"
    )


def _opportunity(result: SizingResult) -> str:
    found = result.opportunity
    if found.suppressed:
        return f"Savings opportunity: {found.note}"
    lines = [
        f"Savings opportunity a year: comorbid excess {_grouped(money(found.excess_pmpm))} PMPM "
        f"x {found.bh_member_months:,} BH member-months x 12 / {found.months_covered} months "
        f"= {_grouped(money(found.annual_excess_cost))}"
    ]
    if found.estimates:
        rows = [
            [
                estimate.label,
                _rate_range(estimate.low_rate, estimate.high_rate),
                _grouped(money(estimate.low)),
                _grouped(money(estimate.mid)),
                _grouped(money(estimate.high)),
            ]
            for estimate in found.estimates
        ]
        summary = (found.low, found.mid, found.high)
        rows.append(["range", "", *(_grouped(money(value)) for value in summary)])
        lines.append(_table(["evidence", "rate", "low", "mid", "high"], rows))
    if found.note:
        lines.append(found.note)
    return "\n".join(lines)


def _rate_range(low: Decimal, high: Decimal) -> str:
    return f"{low:.1%}" if low == high else f"{low:.1%}-{high:.1%}"


def _warnings(result: SizingResult) -> str:
    return "\n".join(f"warning: {warning}" for warning in result.warnings)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Left-align the first column, right-align the others."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
