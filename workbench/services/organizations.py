"""Organizations at the table: create, edit and delete them, their contacts, fees and coverage.

A payer's fee schedule and code coverage are what the contracting lead asks it about in a
fee-for-service conversation: which codes it pays, at what rate, on what documentation and
same-day terms. The codes it does not pay (or nobody knows yet) make the "codes to turn on" list.
"""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.errors import Problem, WorkbenchError
from workbench.models import (
    BillingCode,
    ClaimsSizing,
    CodeCoverage,
    Contact,
    DocumentArtifact,
    FeeScheduleEntry,
    Negotiation,
    Organization,
    Scenario,
    StakeholderProfile,
    User,
    live,
    utcnow,
)
from workbench.models.enums import CoverageStatus, OrganizationKind, PayerType
from workbench.services.audit import record_event
from workbench.services.versioning import EditConflict, insert_unless_taken, save_if_unchanged

CENTS = Decimal("0.01")
COCM_FAMILY = "cocm"
# How each billing period reads in a sentence about the time a code needs.
PERIOD_WORDS = {
    "first_month": "in the first month of care",
    "subsequent_month": "in each later month",
    "add_on_30_min": "beyond the base code's time in the month",
    "any_month": "in a calendar month",
    "session": "in the session",
    "initial_assessment": "for the assessment",
}
# What else refers to an organization: any of these makes deleting it an archive instead.
REFERENCES = (
    ("negotiations", Negotiation),
    ("scenarios", Scenario),
    ("documents", DocumentArtifact),
    ("claims sizings", ClaimsSizing),
)


# The stakeholder profile a payer of each type is suggested (traditional Medicare has none).
PROFILE_FOR_PAYER_TYPE = {
    PayerType.COMMERCIAL: "commercial_payer",
    PayerType.MEDICARE_ADVANTAGE: "medicare_advantage",
    PayerType.MEDICAID_MCO: "medicaid_mco",
    PayerType.STATE_MEDICAID: "state_medicaid_agency",
    PayerType.SELF_FUNDED: "self_funded_employer",
}


class OrganizationError(WorkbenchError):
    """A change to an organization that cannot be made; `field` names the form field at fault."""


def amount_problem(value: Decimal | None) -> str | None:
    """Say why a dollar amount is refused (negative, fractions of a cent), or None if it is fine."""
    if value is None:
        return None
    if not value.is_finite():
        return "must be a number"
    if value < 0:
        return "must not be negative"
    if value != value.quantize(CENTS):
        return "must have at most 2 decimal places (cents)"
    return None


@dataclass(frozen=True)
class OrganizationValues:
    """What the organization form edits."""

    name: str
    kind: OrganizationKind
    payer_type: PayerType | None
    profile_id: int | None
    attributed_members: int | None
    baseline_tcoc_pmpm: Decimal | None
    notes: str | None


@dataclass(frozen=True)
class OrganizationLine:
    """One row of the organizations list, with its coverage counted."""

    id: int
    name: str
    kind: str
    payer_type: str | None
    attributed_members: int | None
    baseline_tcoc_pmpm: Decimal | None
    covered: int
    not_covered: int
    unknown: int


@dataclass(frozen=True)
class CoverageRow:
    """One billing code as one payer treats it: coverage, current rate and terms."""

    code_id: int
    code: str
    descriptor: str
    family: str
    time_threshold_minutes: int | None
    typical_minutes: int | None
    period: str
    coverage_version: int  # 0 while nobody has recorded this payer's coverage of the code
    status: str
    rate: Decimal | None
    effective_from: date | None
    rate_source: str | None
    documentation_required: str | None
    same_day_restrictions: str | None

    @property
    def covered_without_rate(self) -> bool:
        """A code they pay with no rate on file: the figures cannot use it until one is entered."""
        return self.status == CoverageStatus.COVERED and self.rate is None


@dataclass(frozen=True)
class CoverageValues:
    """What one row of the coverage matrix edits."""

    status: CoverageStatus
    rate: Decimal | None
    effective_from: date | None
    documentation_required: str | None
    same_day_restrictions: str | None


@dataclass(frozen=True)
class CodeToTurnOn:
    """A code the payer does not pay (or nobody knows), and what to ask for."""

    code: str
    descriptor: str
    status: str
    collaborative_care: bool
    ask: str


@dataclass(frozen=True)
class OrganizationPage:
    """Everything the organization page shows."""

    organization: Organization
    coverage: tuple[CoverageRow, ...]
    codes_to_turn_on: tuple[CodeToTurnOn, ...]
    fee_history: tuple[FeeScheduleEntry, ...]
    negotiations: tuple[Negotiation, ...]
    covered: int
    unknown: int


def list_organizations(session: Session) -> list[OrganizationLine]:
    """Return the organizations not deleted, by name, with how many codes each covers."""
    organizations = session.scalars(
        select(Organization).where(live(Organization)).order_by(Organization.name)
    ).all()
    counts = _coverage_counts(session)
    total = session.scalar(select(func.count()).select_from(BillingCode)) or 0
    return [_line(organization, counts, total) for organization in organizations]


def _coverage_counts(session: Session) -> dict[tuple[int, str], int]:
    rows = session.execute(
        select(CodeCoverage.organization_id, CodeCoverage.status, func.count()).group_by(
            CodeCoverage.organization_id, CodeCoverage.status
        )
    )
    return {(organization_id, str(status)): count for organization_id, status, count in rows}


def _line(organization: Organization, counts: dict, total: int) -> OrganizationLine:
    covered = counts.get((organization.id, CoverageStatus.COVERED.value), 0)
    not_covered = counts.get((organization.id, CoverageStatus.NOT_COVERED.value), 0)
    return OrganizationLine(
        id=organization.id,
        name=organization.name,
        kind=str(organization.kind),
        payer_type=str(organization.payer_type) if organization.payer_type else None,
        attributed_members=organization.attributed_members,
        baseline_tcoc_pmpm=organization.baseline_tcoc_pmpm,
        covered=covered,
        not_covered=not_covered,
        unknown=total - covered - not_covered,
    )


def get_organization(session: Session, organization_id: int) -> Organization | None:
    """Return an organization that is not deleted, or None."""
    organization = session.get(Organization, organization_id)
    if organization is None or organization.deleted_at is not None:
        return None
    return organization


def get_organization_page(session: Session, organization_id: int) -> OrganizationPage | None:
    """Return what the organization page shows, or None if there is no such organization."""
    organization = get_organization(session, organization_id)
    if organization is None:
        return None
    coverage = tuple(list_coverage_rows(session, organization))
    fee_history = session.scalars(
        select(FeeScheduleEntry)
        .where(FeeScheduleEntry.organization_id == organization.id)
        .options(selectinload(FeeScheduleEntry.code))
        .order_by(FeeScheduleEntry.code_id, FeeScheduleEntry.effective_from.desc())
    ).all()
    negotiations = session.scalars(
        select(Negotiation)
        .where(Negotiation.organization_id == organization.id)
        .order_by(Negotiation.created_at.desc())
    ).all()
    return OrganizationPage(
        organization=organization,
        coverage=coverage,
        codes_to_turn_on=codes_to_turn_on(coverage),
        fee_history=tuple(fee_history),
        negotiations=tuple(negotiations),
        covered=sum(row.status == CoverageStatus.COVERED for row in coverage),
        unknown=sum(row.status == CoverageStatus.UNKNOWN for row in coverage),
    )


def list_profiles(session: Session) -> list[StakeholderProfile]:
    """Return the loaded stakeholder profiles an organization can be matched to, by name."""
    return list(
        session.scalars(
            select(StakeholderProfile)
            .where(live(StakeholderProfile))
            .order_by(StakeholderProfile.name)
        )
    )


def suggested_profiles(profiles: list[StakeholderProfile]) -> dict[str, int]:
    """Map each payer type to the id of the stakeholder profile suggested for it."""
    ids = {profile.key: profile.id for profile in profiles}
    return {
        str(payer_type): ids[key]
        for payer_type, key in PROFILE_FOR_PAYER_TYPE.items()
        if key in ids
    }


def create_organization(session: Session, values: OrganizationValues, user: User) -> Organization:
    """Add an organization and audit it."""
    _check_name_is_free(session, values.name, None)
    organization_id = insert_unless_taken(session, Organization, asdict(values))
    if organization_id is None:  # someone else created one of this name since the check
        raise _name_taken(values.name)
    organization = session.get_one(Organization, organization_id)
    record_event(
        session,
        "organization.created",
        user_id=user.id,
        target=organization,
        details={"name": organization.name, "kind": str(organization.kind)},
    )
    return organization


def update_organization(
    session: Session,
    organization: Organization,
    form_version: int,
    values: OrganizationValues,
    user: User,
) -> int:
    """Save the form's values unless someone saved since it was opened; return the new version."""
    _check_name_is_free(session, values.name, organization.id)
    changed = sorted(
        name for name, value in asdict(values).items() if getattr(organization, name) != value
    )
    version = save_if_unchanged(
        session,
        Organization,
        organization.id,
        form_version,
        asdict(values) | {"locally_edited": True},
    )
    record_event(
        session,
        "organization.updated",
        user_id=user.id,
        target=organization,
        details={"changed": changed, "version": version},
    )
    return version


def _check_name_is_free(session: Session, name: str, organization_id: int | None) -> None:
    other = session.scalar(select(Organization).where(Organization.name == name))
    if other is not None and other.id != organization_id:
        raise _name_taken(name, archived=other.deleted_at is not None)


def _name_taken(name: str, archived: bool = False) -> OrganizationError:
    which = " (an archived one)" if archived else ""
    return OrganizationError(
        f"Another organization{which} is already called “{name}”; choose another name.",
        field="name",
    )


def delete_organization(session: Session, organization: Organization, user: User) -> str:
    """Delete an organization, or archive it when anything refers to it; return what was done.

    Scenarios, negotiations (and so their offers), documents and claims sizings keep pointing at
    an archived organization, so their history still reads right.
    """
    references = _references(session, organization.id)
    details = {"name": organization.name, "references": references}
    if references:
        organization.deleted_at = utcnow()
        record_event(
            session, "organization.archived", user_id=user.id, target=organization, details=details
        )
        return "archived"
    record_event(
        session, "organization.deleted", user_id=user.id, target=organization, details=details
    )
    session.delete(organization)
    session.flush()
    return "deleted"


def _references(session: Session, organization_id: int) -> dict[str, int]:
    counts = {
        label: session.scalar(
            select(func.count()).select_from(model).where(model.organization_id == organization_id)
        )
        for label, model in REFERENCES
    }
    return {label: count for label, count in counts.items() if count}


def add_contact(
    session: Session, organization: Organization, values: dict[str, Any], user: User
) -> Contact:
    """Add a person at the organization (name, title, email, phone) and audit it."""
    contact = Contact(organization=organization, **values)
    session.add(contact)
    session.flush()
    _audit_contact(session, "contact.added", contact, user)
    return contact


def update_contact(
    session: Session,
    organization: Organization,
    contact_id: int,
    values: dict[str, Any],
    user: User,
) -> Contact | None:
    """Change a contact of this organization; return it, or None if it is not one of its own."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.organization_id != organization.id:
        return None
    for name, value in values.items():
        setattr(contact, name, value)
    session.flush()
    _audit_contact(session, "contact.updated", contact, user)
    return contact


def delete_contact(
    session: Session, organization: Organization, contact_id: int, user: User
) -> Contact | None:
    """Remove a contact of this organization; return it, or None if it is not one of its own."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.organization_id != organization.id:
        return None
    _audit_contact(session, "contact.removed", contact, user)
    session.delete(contact)
    session.flush()
    return contact


def _audit_contact(session: Session, action: str, contact: Contact, user: User) -> None:
    details = {"organization_id": contact.organization_id, "name": contact.name}
    record_event(session, action, user_id=user.id, target=contact, details=details)


def list_coverage_rows(session: Session, organization: Organization) -> list[CoverageRow]:
    """Return one row per billing code, in the library's order, as this payer treats it."""
    codes = session.scalars(select(BillingCode).order_by(BillingCode.id)).all()
    coverage = {
        row.code_id: row
        for row in session.scalars(
            select(CodeCoverage).where(CodeCoverage.organization_id == organization.id)
        )
    }
    fees = get_newest_fees(session, organization.id)
    return [_coverage_row(code, coverage.get(code.id), fees.get(code.id)) for code in codes]


def get_coverage_row(
    session: Session, organization: Organization, code_id: int
) -> CoverageRow | None:
    """Return the matrix row of one code for this payer, or None if there is no such code."""
    code = session.get(BillingCode, code_id)
    if code is None:
        return None
    coverage = session.scalar(
        select(CodeCoverage).where(
            CodeCoverage.organization_id == organization.id, CodeCoverage.code_id == code_id
        )
    )
    return _coverage_row(code, coverage, get_newest_fees(session, organization.id).get(code_id))


def get_newest_fees(
    session: Session, organization_id: int, stating_a_rate: bool = False
) -> dict[int, FeeScheduleEntry]:
    """Map each code id to this payer's newest fee entry (the latest effective date wins), or to
    its newest entry that states a rate."""
    query = (
        select(FeeScheduleEntry)
        .where(FeeScheduleEntry.organization_id == organization_id)
        .options(selectinload(FeeScheduleEntry.code))
        .order_by(FeeScheduleEntry.effective_from)
    )
    if stating_a_rate:
        query = query.where(FeeScheduleEntry.rate.is_not(None))
    return {entry.code_id: entry for entry in session.scalars(query)}


def _coverage_row(
    code: BillingCode, coverage: CodeCoverage | None, fee: FeeScheduleEntry | None
) -> CoverageRow:
    return CoverageRow(
        code_id=code.id,
        code=code.code,
        descriptor=code.descriptor,
        family=code.family,
        time_threshold_minutes=code.time_threshold_minutes,
        typical_minutes=code.typical_minutes,
        period=code.period,
        coverage_version=coverage.version if coverage else 0,
        status=str(coverage.status) if coverage else CoverageStatus.UNKNOWN.value,
        rate=fee.rate if fee else None,
        effective_from=fee.effective_from if fee else None,
        rate_source=fee.source if fee else None,
        documentation_required=coverage.documentation_required if coverage else None,
        same_day_restrictions=coverage.same_day_restrictions if coverage else None,
    )


def update_coverage_matrix(
    session: Session,
    organization: Organization,
    edits: dict[int, tuple[int, CoverageValues]],
    user: User,
) -> list[str]:
    """Save the rows of the coverage matrix that changed, all of them or none; return their codes.

    `edits` maps each code id to the version its row was shown at and the values as typed. Every
    row is checked before anything is kept: problems come back together in one OrganizationError,
    each field named `c<code id>-<field>` as the matrix form names it (the request's unit of work
    then writes nothing). A row someone else saved since it was shown raises EditConflict.
    """
    changed = _changed_rows(session, organization, edits)
    problems = []
    for row, (form_version, values) in changed:
        try:
            update_coverage_row(session, organization, row.code_id, form_version, values, user)
        except OrganizationError as error:
            problems += [Problem(f"c{row.code_id}-{p.field}", p.message) for p in error.problems]
    if problems:
        raise OrganizationError("Some rows cannot be saved as typed.", problems=problems)
    return [row.code for row, _ in changed]


def _changed_rows(
    session: Session, organization: Organization, edits: dict[int, tuple[int, CoverageValues]]
) -> list[tuple[CoverageRow, tuple[int, CoverageValues]]]:
    """The rows whose typed values differ from the saved ones; refuse them all (EditConflict)
    before anything is written if someone saved one of them since the page was shown (a row
    that reads as saved is left alone, whoever saved it)."""
    changed = []
    for code_id, (form_version, values) in edits.items():
        row = get_coverage_row(session, organization, code_id)
        if row is None:
            raise OrganizationError("No such billing code.", field=f"c{code_id}-status")
        if _row_values(row) == values:
            continue
        if row.coverage_version != form_version:
            raise EditConflict(f"row of the fee schedule ({row.code})")
        changed.append((row, (form_version, values)))
    return changed


def _row_values(row: CoverageRow) -> CoverageValues:
    return CoverageValues(
        status=CoverageStatus(row.status),
        rate=row.rate,
        effective_from=row.effective_from,
        documentation_required=row.documentation_required,
        same_day_restrictions=row.same_day_restrictions,
    )


def update_coverage_row(
    session: Session,
    organization: Organization,
    code_id: int,
    form_version: int,
    values: CoverageValues,
    user: User,
) -> CoverageRow:
    """Save one matrix row (coverage and rate) unless someone saved it since it was shown."""
    problem = amount_problem(values.rate)
    if problem:
        raise OrganizationError(f"{problem.capitalize()}.", field="rate")
    if values.rate is not None and values.effective_from is None:
        raise OrganizationError("Enter the date this rate starts.", field="effective_from")
    coverage = _save_coverage(session, organization.id, code_id, form_version, values)
    fee_changed = _save_rate(session, organization.id, code_id, values, user)
    record_event(
        session,
        "coverage.updated",
        user_id=user.id,
        target=coverage,
        details={
            "organization_id": organization.id,
            "code": coverage.code.code,
            "status": str(values.status),
            "rate": None if values.rate is None else str(values.rate),
            "effective_from": values.effective_from and values.effective_from.isoformat(),
            "rate_changed": fee_changed,
        },
    )
    return get_coverage_row(session, organization, code_id)


def _save_coverage(
    session: Session, organization_id: int, code_id: int, form_version: int, values: CoverageValues
) -> CodeCoverage:
    """Create the coverage record (form version 0) or update it if its version still matches."""
    where = (CodeCoverage.organization_id == organization_id, CodeCoverage.code_id == code_id)
    existing = session.scalar(select(CodeCoverage).where(*where))
    terms = {
        "status": values.status,
        "documentation_required": values.documentation_required,
        "same_day_restrictions": values.same_day_restrictions,
    }
    if existing is None and form_version == 0:
        keys = {"organization_id": organization_id, "code_id": code_id}
        created = insert_unless_taken(session, CodeCoverage, keys | terms)
        if created is None:  # the same row's first save, sent twice at once: one wins
            raise EditConflict("code coverage")
        return session.get_one(CodeCoverage, created)
    if existing is None:
        raise EditConflict("code coverage")
    save_if_unchanged(session, CodeCoverage, existing.id, form_version, terms)
    return session.scalar(select(CodeCoverage).where(*where))


def _save_rate(
    session: Session, organization_id: int, code_id: int, values: CoverageValues, user: User
) -> bool:
    """Create or change the fee entry starting on the row's date; say whether anything changed.

    An unchanged rate leaves the entry alone, so a published schedule keeps its source.
    """
    if values.effective_from is None:
        return False
    entry = session.scalar(
        select(FeeScheduleEntry).where(
            FeeScheduleEntry.organization_id == organization_id,
            FeeScheduleEntry.code_id == code_id,
            FeeScheduleEntry.effective_from == values.effective_from,
        )
    )
    if entry is not None and entry.rate == values.rate:
        return False
    if entry is None:
        entry = FeeScheduleEntry(
            organization_id=organization_id, code_id=code_id, effective_from=values.effective_from
        )
        session.add(entry)
    entry.rate = values.rate
    entry.source = f"entered in the workbench by {user.email}"
    entry.locally_edited = True
    session.flush()
    return True


def codes_to_turn_on(rows: tuple[CoverageRow, ...]) -> tuple[CodeToTurnOn, ...]:
    """Return the codes not covered or unknown, CoCM first, each with what to ask the payer."""
    waiting = [row for row in rows if row.status != CoverageStatus.COVERED]
    # The sort is stable: within each group the codes keep the library's order.
    waiting.sort(key=lambda row: row.family != COCM_FAMILY)
    return tuple(_to_turn_on(row) for row in waiting)


def _to_turn_on(row: CoverageRow) -> CodeToTurnOn:
    return CodeToTurnOn(
        code=row.code,
        descriptor=row.descriptor,
        status=row.status,
        collaborative_care=row.family == COCM_FAMILY,
        ask=_ask(row),
    )


def _ask(row: CoverageRow) -> str:
    """Word the request for one code: turn it on (or confirm they pay it), from what time."""
    opening = (
        f"Ask them to turn on {row.code}"
        if row.status == CoverageStatus.NOT_COVERED
        else f"Ask whether they pay {row.code}"
    )
    return f"{opening}{_time_rule(row)}."


def _time_rule(row: CoverageRow) -> str:
    """Say from how many minutes in its period the code is billable (what the payer must accept)."""
    if row.time_threshold_minutes is None:
        return ""
    period = PERIOD_WORDS.get(row.period, "")
    typical = f" (typical {row.typical_minutes})" if row.typical_minutes else ""
    return f", billable from {row.time_threshold_minutes} minutes{typical} {period}".rstrip()
