"""The savings rates the sizing applies, read from the evidence library in the database."""

from decimal import Decimal

from tests.conftest import PROFILES_DIR
from workbench.claims import SavingsRate
from workbench.extensions import db
from workbench.services.claims import (
    FROM_DATABASE,
    FROM_NOWHERE,
    get_savings_rates,
    load_savings_rates,
    sizing_options,
)
from workbench.services.library import load_library
from workbench.services.library_files import read_library

EXPECTED = [
    ("milliman_2014_savings_pct", Decimal("0.09"), Decimal("0.16")),
    ("milliman_2017_savings_pct", Decimal("0.09"), Decimal("0.17")),
]


def test_only_verified_percentage_savings_are_read(app):
    load_library(db.session, read_library(PROFILES_DIR))
    db.session.flush()

    rates = get_savings_rates(db.session)

    # comorbidity_cost_50pct is a percent too, but a cost increase: not a savings rate; Missouri's
    # 8.1% is a savings rate known only second-hand (unverified): it sizes nothing.
    assert [(rate.key, rate.low, rate.high) for rate in rates] == EXPECTED
    assert all(isinstance(rate, SavingsRate) and rate.label for rate in rates)
    assert load_savings_rates(db.session, PROFILES_DIR).source == FROM_DATABASE


def test_an_empty_library_falls_back_on_nothing_when_no_file_either(app, tmp_path):
    evidence = load_savings_rates(db.session, tmp_path)

    assert evidence.rates == ()
    assert evidence.source == FROM_NOWHERE


def test_options_come_from_the_configuration():
    config = {"WORKBENCH_CLAIMS_MAX_BYTES": 1000, "WORKBENCH_CLAIMS_MEMORY_LIMIT": "1GB"}

    options = sizing_options(config, payer="Acme")

    assert (options.max_claims_bytes, options.memory_limit, options.payer) == (1000, "1GB", "Acme")
    assert sizing_options({}, memory_limit="512MB").memory_limit == "512MB"
