"""Turn the summed cells into a population's figures, applying the cell-size rule."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from workbench.claims.query import Cell
from workbench.claims.results import MIN_CELL_MEMBERS, Cohort, Cohorts, Population
from workbench.engine.decimals import ZERO, engine_context, ratio_of

PER_THOUSAND_A_YEAR = Decimal(12_000)


@dataclass(frozen=True)
class Totals:
    """Sums over some cells."""

    members: int
    member_months: int
    allowed: Decimal
    ed_visits: int
    admissions: int

    @classmethod
    def of(cls, cells: Iterable[Cell]) -> "Totals":
        """Add the cells up."""
        cells = list(cells)
        return cls(
            members=sum(cell.members for cell in cells),
            member_months=sum(cell.member_months for cell in cells),
            allowed=sum((cell.allowed for cell in cells), ZERO),
            ed_visits=sum(cell.ed_visits for cell in cells),
            admissions=sum(cell.admissions for cell in cells),
        )

    @property
    def too_small(self) -> bool:
        return self.members < MIN_CELL_MEMBERS

    def pmpm(self) -> Decimal | None:
        """Allowed cost per member-month."""
        with engine_context():
            return ratio_of(self.allowed, Decimal(self.member_months))

    def per_thousand(self, events: int) -> Decimal | None:
        """Events per 1,000 members a year: events x 12,000 / member-months."""
        with engine_context():
            return ratio_of(events * PER_THOUSAND_A_YEAR, Decimal(self.member_months))


SUPPRESSED_COHORT = Cohort(None, None, None, None, None, None, suppressed=True)


def cohort(totals: Totals, suppressed: bool = False) -> Cohort:
    """Show a cohort's figures, or none of them when it is suppressed."""
    if suppressed or totals.too_small:
        return SUPPRESSED_COHORT
    return Cohort(
        members=totals.members,
        member_months=totals.member_months,
        allowed=totals.allowed,
        pmpm=totals.pmpm(),
        ed_visits_per_1000=totals.per_thousand(totals.ed_visits),
        admissions_per_1000=totals.per_thousand(totals.admissions),
        suppressed=False,
    )


def cohorts(cells: list[Cell]) -> Cohorts:
    """Split members by BH condition, and the chronic ones again by BH condition."""

    def of(keep: Callable[[Cell], bool]) -> Totals:
        return Totals.of(cell for cell in cells if keep(cell))

    with_bh, without_bh = of(lambda c: c.bh), of(lambda c: not c.bh)
    # The two BH cohorts add up to the population, so one shown beside the population's totals
    # would give the other away: they are suppressed together.
    pair_suppressed = with_bh.too_small or without_bh.too_small
    return Cohorts(
        with_bh=cohort(with_bh, pair_suppressed),
        without_bh=cohort(without_bh, pair_suppressed),
        chronic_with_bh=cohort(of(lambda c: c.chronic and c.bh)),
        chronic_without_bh=cohort(of(lambda c: c.chronic and not c.bh)),
    )


def population(cells: list[Cell], top_cost: Decimal | None) -> Population:
    """Compute one population's figures from its cells and the cost of its top 5% of members."""
    totals = Totals.of(cells)
    if totals.too_small:
        return _suppressed_population()
    split = cohorts(cells)
    tcoc_pmpm = totals.pmpm()
    bh_members = split.with_bh.members
    return Population(
        members=totals.members,
        member_months=totals.member_months,
        allowed=totals.allowed,
        tcoc_pmpm=tcoc_pmpm,
        bh_prevalence=_ratio(
            None if bh_members is None else Decimal(bh_members), Decimal(totals.members)
        ),
        bh_cost_multiplier=_ratio(split.with_bh.pmpm, split.without_bh.pmpm),
        cohort_cost_multiplier=_ratio(split.with_bh.pmpm, tcoc_pmpm),
        ed_visits_per_1000=totals.per_thousand(totals.ed_visits),
        admissions_per_1000=totals.per_thousand(totals.admissions),
        top5pct_cost_share=_top_share(totals, top_cost),
        cohorts=split,
        suppressed=False,
    )


def top_group_size(members: int) -> int:
    """How many members make the top 5%: ceil(members / 20)."""
    return -(-members // 20)


def _top_share(totals: Totals, top_cost: Decimal | None) -> Decimal | None:
    # The top 5% is itself a group of members: under 11 of them (under 201 members in all),
    # its share would tell what a handful of people cost.
    if top_cost is None or top_group_size(totals.members) < MIN_CELL_MEMBERS:
        return None
    return _ratio(top_cost, totals.allowed)


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None:
        return None
    with engine_context():
        return ratio_of(numerator, denominator)


def _suppressed_population() -> Population:
    empty = Cohorts(*(SUPPRESSED_COHORT,) * 4)
    return Population(*(None,) * 10, cohorts=empty, suppressed=True)
