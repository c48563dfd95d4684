"""Service tests: the use cases called directly with a session, as a view or command calls them.

No HTTP: each test is one unit of work on its own database; what it leaves is read back as rows.
"""

from decimal import Decimal

import pytest

from workbench.extensions import db
from workbench.models import Organization, User
from workbench.models.enums import OrganizationKind, PayerType, Role
from workbench.services.accounts import create_user
from workbench.services.organizations import OrganizationValues, create_organization


@pytest.fixture
def lead(app) -> User:
    return create_user(db.session, "lead@example.org", "a long test passphrase 42", Role.LEAD)


@pytest.fixture
def payer(lead) -> Organization:
    return create_organization(db.session, payer_values(), lead)


def payer_values(**changes) -> OrganizationValues:
    values = {
        "name": "Great Lakes Health Plan",
        "kind": OrganizationKind.PAYER,
        "payer_type": PayerType.MEDICAID_MCO,
        "profile_id": None,
        "attributed_members": 12000,
        "baseline_tcoc_pmpm": Decimal("512.40"),
        "notes": None,
    }
    return OrganizationValues(**values | changes)
