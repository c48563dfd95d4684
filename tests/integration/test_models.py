"""Money stays Decimal and timestamps stay timezone-aware UTC through the database."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import DateTime, Float, Numeric, select

from workbench.extensions import db
from workbench.models import AuditEvent, ModelBase, Organization
from workbench.models.base import UTCDateTime
from workbench.models.enums import OrganizationKind, PayerType


def test_money_round_trips_as_decimal_to_the_cent(app):
    db.session.add(
        Organization(
            name="Commercial Plan A",
            kind=OrganizationKind.PAYER,
            payer_type=PayerType.COMMERCIAL,
            attributed_members=12000,
            baseline_tcoc_pmpm=Decimal("480.07"),
        )
    )
    db.session.commit()
    db.session.expire_all()

    stored = db.session.scalar(select(Organization.baseline_tcoc_pmpm))

    assert stored == Decimal("480.07")
    assert isinstance(stored, Decimal)


def test_timestamps_come_back_aware_and_in_utc(app):
    paris_noon = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    db.session.add(AuditEvent(action="test.event", at=paris_noon))
    db.session.commit()
    db.session.expire_all()

    stored = db.session.scalar(select(AuditEvent.at))

    assert stored == paris_noon
    assert stored.tzinfo == UTC
    assert stored.hour == 11


def test_naive_timestamps_are_refused(app):
    db.session.add(AuditEvent(action="test.event", at=datetime(2026, 11, 23, 12, 0)))
    with pytest.raises(Exception, match="timezone-aware"):
        db.session.flush()
    db.session.rollback()


def test_enums_are_stored_as_their_values(app):
    db.session.add(Organization(name="Plan", kind=OrganizationKind.PAYER))
    db.session.commit()

    raw = db.session.execute(db.text("SELECT kind FROM organizations")).scalar()

    assert raw == "payer"


# Issue 2, item 3: what the data model must hold, table by table.
DATA_MODEL = {
    "organizations": {"name", "kind", "payer_type", "attributed_members", "baseline_tcoc_pmpm"},
    "stakeholder_profiles": {"key", "name", "category", "summary", "content"},
    "profile_domain_weights": {"profile_id", "domain_id", "weight"},
    "value_domains": {"key", "name", "description"},
    "domain_metrics": {"domain_id", "key", "name", "unit", "direction"},
    "evidence_items": {
        "study",
        "citation",
        "population",
        "effect_value",
        "effect_unit",
        "follow_up_years",
        "source_pages",
        "kind",
    },
    "evidence_domains": {"evidence_id", "domain_id"},
    "billing_codes": {"code", "descriptor", "time_threshold_minutes", "billed_by", "family"},
    "fee_schedule_entries": {
        "organization_id",
        "code_id",
        "rate",
        "effective_from",
        "effective_to",
        "source",
    },
    "code_coverage": {
        "organization_id",
        "code_id",
        "status",
        "documentation_required",
        "same_day_restrictions",
        "notes",
    },
    "quality_measures": {"key", "name", "program", "numerator", "denominator"},
    "scenarios": {"inputs", "method_version", "owner_id"},
    "negotiations": {"organization_id", "stage", "next_meeting_at"},
    "meetings": {"negotiation_id", "held_at", "notes"},
    "offers": {"negotiation_id", "round", "side", "payment_model", "pmpm", "rates", "response"},
    "documents": {
        "kind",
        "profile_id",
        "pdf",
        "storage_path",
        "sha256",
        "inputs_snapshot",
        "status",
    },
    "users": {"email", "role", "password_hash"},
    "audit_events": {"at", "user_id", "action", "target_type", "target_id", "details"},
}
MONEY_COLUMNS = [
    ("organizations", "baseline_tcoc_pmpm"),
    ("fee_schedule_entries", "rate"),
    ("offers", "pmpm"),
    ("evidence_items", "effect_value"),
]


@pytest.mark.parametrize(("table", "columns"), DATA_MODEL.items(), ids=DATA_MODEL.keys())
def test_the_data_model_holds_what_issue_2_lists(table, columns):
    assert columns <= set(ModelBase.metadata.tables[table].columns.keys())


def test_organizations_are_ours_and_every_kind_of_counterparty():
    kinds = {kind.value for kind in OrganizationKind}

    assert {"own", "payer", "employer", "aco", "state_agency"} <= kinds


@pytest.mark.parametrize(("table", "column"), MONEY_COLUMNS)
def test_money_columns_are_numeric(table, column):
    assert isinstance(ModelBase.metadata.tables[table].columns[column].type, Numeric)


def test_no_column_is_float_and_every_timestamp_is_aware():
    columns = [c for table in ModelBase.metadata.sorted_tables for c in table.columns]

    assert not [c for c in columns if isinstance(c.type, Float)]
    stamps = [c for c in columns if isinstance(c.type, DateTime | UTCDateTime)]
    assert stamps
    assert all(isinstance(c.type, UTCDateTime) for c in stamps)
