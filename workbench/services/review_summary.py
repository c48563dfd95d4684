"""What an executive reads about a document version before deciding, and its author after.

The party, the version's number, the engine's key figures stored with it beside those of the
version before, the scenario inputs that changed, and the comment of a version sent back.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.models import DocumentArtifact, StakeholderProfile
from workbench.models.enums import DocumentStatus
from workbench.services.review import list_review_queue, list_versions

# The figures an executive decides on, as services/documents.key_figures stores them.
KEY_FIGURES = (
    ("ask", "Ask (first year)", "money"),
    ("level_pmpm", "Level PMPM", "money"),
    ("payer_roi", "Payer ROI", "per_dollar"),
    ("provider_net", "Provider net", "money"),
)
MAX_INPUT_CHANGES = 20


@dataclass(frozen=True)
class FigureLine:
    """One key figure of a version, beside the same figure of the version before."""

    name: str
    label: str
    kind: str
    value: Decimal | None
    before: Decimal | None
    changed: bool


@dataclass(frozen=True)
class InputChange:
    """One scenario input that differs from the version before (dotted path, as text)."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReviewSummary:
    """What an executive reads about a version before deciding, and what the author reads after.

    `number` counts the versions of the same document (kind, scenario, audience) from 1;
    `sent_back` is the version before when it was sent back, whose comment this one answers.
    """

    document: DocumentArtifact
    party: str
    stakeholders: tuple[str, ...]
    number: int
    figures: tuple[FigureLine, ...]
    previous: DocumentArtifact | None
    input_changes: tuple[InputChange, ...]
    more_changes: int
    sent_back: DocumentArtifact | None
    newer: DocumentArtifact | None


def get_review_summary(session: Session, artifact: DocumentArtifact) -> ReviewSummary:
    """Summarise a version: its party, number, key figures and what changed since the last."""
    versions = list_versions(session, artifact)
    position = next(i for i, version in enumerate(versions) if version.id == artifact.id)
    previous = versions[position + 1] if position + 1 < len(versions) else None
    changes = _input_changes(previous, artifact) if previous else []
    return ReviewSummary(
        document=artifact,
        party=artifact.inputs_snapshot["scenario"].get("focus_payer", ""),
        stakeholders=_profile_names(session, artifact.inputs_snapshot["stakeholders"]),
        number=len(versions) - position,
        figures=_figure_lines(artifact, previous),
        previous=previous,
        input_changes=tuple(changes[:MAX_INPUT_CHANGES]),
        more_changes=max(0, len(changes) - MAX_INPUT_CHANGES),
        sent_back=previous if previous and previous.status == DocumentStatus.SENT_BACK else None,
        newer=versions[0] if position else None,
    )


def list_review_summaries(session: Session) -> list[ReviewSummary]:
    """Return the review queue, oldest first, each document with its summary."""
    return [get_review_summary(session, artifact) for artifact in list_review_queue(session)]


def _figure_lines(
    artifact: DocumentArtifact, previous: DocumentArtifact | None
) -> tuple[FigureLine, ...]:
    now, before = artifact.key_figures or {}, (previous.key_figures or {}) if previous else {}
    lines = []
    for name, label, kind in KEY_FIGURES:
        value, was = _decimal(now.get(name)), _decimal(before.get(name))
        changed = previous is not None and previous.key_figures is not None and value != was
        lines.append(FigureLine(name, label, kind, value, was, changed))
    return tuple(lines)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _input_changes(previous: DocumentArtifact, artifact: DocumentArtifact) -> list[InputChange]:
    before = dict(_flatten(previous.inputs_snapshot["scenario"]))
    after = dict(_flatten(artifact.inputs_snapshot["scenario"]))
    return [
        InputChange(path, before.get(path, "—"), after.get(path, "—"))
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Walk a scenario's inputs as (dotted path, value as text) pairs: payers.0.name, ..."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flatten(item, f"{path}.{index}")
    else:
        yield path, "—" if value is None else str(value)


def _profile_names(session: Session, keys: list[str]) -> tuple[str, ...]:
    """The stakeholders' names, in the document's order (a key no longer loaded stays a key)."""
    query = select(StakeholderProfile.key, StakeholderProfile.name).where(
        StakeholderProfile.key.in_(keys)
    )
    names = {key: name for key, name in session.execute(query)}
    return tuple(names.get(key, key) for key in keys)
