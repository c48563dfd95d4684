"""No internal reference reaches a payer: not in the library's text, not in a rendered PDF.

The library's prose cites public sources (HFMA, the AIMS Center, CMS...), never the project's
own seed numbers, design notes or evidence keys; YAML comments may, since nothing renders them.
"""

import re

import pytest
from pydantic import BaseModel

from tests.conftest import PROFILES_DIR
from workbench.services.library_files import read_library

# "DOMAIN" in capitals (DOMAIN.md), not the word "domain" the documents use for value domains.
INTERNAL = re.compile(r"(?i:seed \d)|\.md\b|RATE_METHOD|DOMAIN")
# Stricter for the library's prose: no "the seed says", no file names, no identifiers.
LIBRARY_INTERNAL = re.compile(
    r"\bseeds?\b|\.md\b|\.ya?ml\b|RATE_METHOD|DOMAIN\b|\b[a-z][a-z0-9]*_[a-z0-9_]+\b",
    re.IGNORECASE,
)
# Fields holding identifiers or vocabulary, which the application maps to labels or links.
IDENTIFIER_FIELDS = {
    "key",
    "code",
    "codes",
    "domains",
    "metrics",
    "payment_models",
    "evidence_focus",
    "evidence",
    "family",
    "period",
    "unit",
    "category",
    "kind",
    "stance",
    "program",
    "direction",
    "domain_weights",
    "rates",
    "design",
    "interval",
    "status",
    "basis",
}
PAYER_FACING = [
    ("proposal", ("commercial_payer",)),
    ("brief", ("self_funded_employer",)),
    ("brief", ("primary_care_group",)),
    (
        "meeting-packet",
        (
            "commercial_payer",
            "aco",
            "primary_care_group",
            "patients_and_families",
            "state_medicaid_agency",
            "medicaid_mco",
            "medicare_advantage",
            "community_mental_health_center",
            "self_funded_employer",
        ),
    ),
]


def texts(node, where: str):
    """Yield (location, text) for every string a page or document can print."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            nested = isinstance(value, list) and value and isinstance(value[0], BaseModel)
            if name not in IDENTIFIER_FIELDS or nested:
                yield from texts(value, f"{where}.{name}")
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from texts(item, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


@pytest.fixture(scope="module")
def library_texts():
    library = read_library(PROFILES_DIR)
    parts = ("domains", "evidence", "codes", "fee_schedules", "measures", "levels", "models")
    found = [
        pair
        for part in (*parts, "guidelines", "profiles")
        for pair in texts(getattr(library, part), part)
    ]
    return library, found


def test_the_walk_reaches_the_prose_that_gets_printed(library_texts):
    _, found = library_texts
    fields = {re.sub(r"\[\d+\]", "", where) for where, _ in found}
    assert {
        "evidence.citation",
        "evidence.note",
        "evidence.source_pages",
        "evidence.effect.description",
        "profiles.summary",
        "profiles.talking_points",
        "profiles.whats_in_it_for_them",
        "profiles.objections.response",
        "codes.restrictions",
        "codes.billed_by",
        "guidelines.source",
        "models.description",
        "domains.description",
        "measures.description",
    } <= fields


def test_no_library_text_carries_an_internal_reference(library_texts):
    _, found = library_texts
    leaks = [
        f"{where}: {match.group(0)!r}"
        for where, text in found
        for match in [INTERNAL.search(text) or LIBRARY_INTERNAL.search(text)]
        if match
    ]
    assert leaks == []


def test_no_evidence_key_is_printed_as_if_it_were_a_citation(library_texts):
    library, found = library_texts
    keys = {item.key for item in library.evidence}
    leaks = [
        f"{where}: {key}"
        for where, text in found
        for key in keys
        if re.search(rf"\b{re.escape(key)}\b", text)
    ]
    assert leaks == []


def test_the_ajmc_2023_study_is_cited_by_title_journal_and_issue(library_texts):
    library, _ = library_texts
    ajmc = [item for item in library.evidence if "Am J Manag Care. 2023" in item.citation]
    assert ajmc
    for item in ajmc:
        assert "Impact of the Collaborative Care Model on Medical Spending" in item.citation
        assert "2023;29(10)" in item.citation


@pytest.mark.parametrize(("kind", "stakeholders"), PAYER_FACING)
def test_no_internal_reference_reaches_a_payer_facing_pdf(render, kind, stakeholders):
    document = render("worked-example.yaml", kind, *stakeholders)
    text = re.sub(r"\s+", " ", document.text)

    assert document.context.citations, "the document cites evidence"
    assert INTERNAL.findall(text) == []
    assert INTERNAL.findall(document.html) == []
    # An evidence key (impact_2002, ajmc_2023_total_cost...) is never printed as a citation.
    assert re.findall(r"\b[a-z]+(?:_[a-z0-9]+)*_\d{4}(?:_[a-z0-9]+)*\b", text) == []
