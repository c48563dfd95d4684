"""Claims sizing: a payer's claims and eligibility files in, aggregate figures out (DuckDB).

Pure: no Flask, no database. Files are streamed by DuckDB under a memory cap, spilling to a
temporary folder, and only sums per payer and cohort leave this package.
"""

from workbench.claims.errors import ClaimsInputError, ClaimsSizingError
from workbench.claims.opportunity import SavingsRate
from workbench.claims.query import ProgressCallback
from workbench.claims.report import format_result
from workbench.claims.results import (
    MIN_CELL_MEMBERS,
    Cohort,
    Cohorts,
    Extract,
    Opportunity,
    Population,
    SavingsEstimate,
    SizingResult,
    Unmatched,
)
from workbench.claims.sizing import SizingOptions, size_claims

__all__ = [
    "MIN_CELL_MEMBERS",
    "ClaimsInputError",
    "ClaimsSizingError",
    "Cohort",
    "Cohorts",
    "Extract",
    "Opportunity",
    "Population",
    "ProgressCallback",
    "SavingsEstimate",
    "SavingsRate",
    "SizingOptions",
    "SizingResult",
    "Unmatched",
    "format_result",
    "size_claims",
]
