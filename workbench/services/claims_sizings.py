"""Claims sizing from the web: keep the files, size them in a background job, store the figures.

The sizing itself is services/claims.py (and the pure workbench.claims); this module is what the
pages need around it: uploaded files saved under the upload folder (and always deleted after),
a "size_claims" job reporting its progress, the stored ClaimsSizing with the files' provenance,
the organization page's figures and the scenario editor's offer to use them.
"""

import contextlib
import hashlib
import logging
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from werkzeug.utils import secure_filename

from workbench.claims import MIN_CELL_MEMBERS, ClaimsSizingError
from workbench.errors import WorkbenchError
from workbench.models import ClaimsSizing, Job, Organization, Scenario, utcnow
from workbench.services.audit import record_event
from workbench.services.claims import size_extract, sizing_options
from workbench.services.jobs import enqueue_job, job_handler

LOGGER = logging.getLogger(__name__)
JOB_KIND = "size_claims"
RESULT_TYPE = "claims_sizing"
CHUNK_BYTES = 1024 * 1024
# An upload folder this old was left by a process that died before its job ran.
ABANDONED_AFTER_SECONDS = 24 * 3600
MEMBERS, CLAIMS = "members", "claims"
UPLOAD, SERVER_PATH = "upload", "server path"
METHOD = (
    f"workbench.claims (DuckDB): allowed amounts over eligible member-months; figures about "
    f"fewer than {MIN_CELL_MEMBERS} members suppressed"
)
SHORT_HASH = 12
# Where each stage of a sizing falls on the job's progress bar (percent from, to).
HASHING = (0, 10)
STAGES = {"reading members": (10, 30), "reading claims": (30, 85), "summing up": (85, 99)}


class ClaimsUploadError(WorkbenchError):
    """A file that cannot be taken (too large: 413; empty, no such path: 422); names the input."""

    def __init__(self, field: str, message: str, status: int = 413):
        super().__init__(message, field, status=status)


@dataclass(frozen=True)
class ClaimsFile:
    """One input file of a sizing job: its role, original name, where it is, and whose it is."""

    role: str
    name: str
    path: str
    uploaded: bool  # an uploaded copy is deleted after the job; a server file never is
    sha256: str | None = None  # known when the file was hashed as it was saved
    size: int | None = None


def size_text(size: int) -> str:
    """Show a byte count as the limits are written: 20 GB, 1.5 MB, 900 bytes."""
    for unit, name in ((1000**3, "GB"), (1000**2, "MB"), (1000, "kB")):
        if size >= unit:
            return f"{size / unit:,.1f}".removesuffix(".0") + f" {name}"
    return f"{size:,} bytes"


def too_large(name: str, size: int | None, limit: int) -> str:
    found = f" is {size_text(size)}," if size is not None else " is"
    return (
        f"{name}{found} over the {size_text(limit)} limit for a claims file "
        "(WORKBENCH_CLAIMS_MAX_BYTES); it was not read."
    )


def save_upload(
    storage: Any, role: str, upload_dir: Path, max_bytes: int | None = None
) -> ClaimsFile:
    """Save an uploaded file under a random folder of `upload_dir`, refusing one over `max_bytes`.

    The size is checked before anything is copied when the upload says it (its part's
    Content-Length, or the spooled stream's length), and again while copying.
    """
    sweep_abandoned_uploads(Path(upload_dir))
    original = Path(storage.filename or "").name or f"{role}.csv"
    stream: IO[bytes] = storage.stream
    declared = storage.content_length or _stream_length(stream)
    if max_bytes is not None and declared and declared > max_bytes:
        raise ClaimsUploadError(role, too_large(original, declared, max_bytes))
    folder = Path(upload_dir) / secrets.token_hex(16)
    folder.mkdir(parents=True, mode=0o700)
    # A random folder keeps the file's own name, so sizing errors name the file the person chose.
    target = folder / (secure_filename(original) or f"{role}.csv")
    written, digest = 0, hashlib.sha256()  # hashed as it is copied, so never read twice for it
    try:
        with target.open("wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                written += len(chunk)
                if max_bytes is not None and written > max_bytes:
                    raise ClaimsUploadError(role, too_large(original, None, max_bytes))
                digest.update(chunk)
                out.write(chunk)
        if written == 0:
            raise ClaimsUploadError(role, f"{original} is empty.", status=422)
    except BaseException:
        _remove(ClaimsFile(role, original, str(target), uploaded=True))
        raise
    return ClaimsFile(role, original, str(target), True, digest.hexdigest(), written)


def sweep_abandoned_uploads(upload_dir: Path, now: float | None = None) -> list[Path]:
    """Delete upload folders older than ABANDONED_AFTER_SECONDS; return them.

    A job deletes its uploads whatever its outcome, so a folder this old belongs to a process that
    died before its job ran: nothing will read it, and a claims extract must not linger on disk.
    """
    if not upload_dir.is_dir():
        return []
    cutoff = (now or time.time()) - ABANDONED_AFTER_SECONDS
    stale = [
        folder
        for folder in upload_dir.iterdir()
        if folder.is_dir() and folder.stat().st_mtime < cutoff
    ]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def server_file(text: str, role: str, max_bytes: int | None = None) -> ClaimsFile:
    """Return a file already on the server (an administrator's choice), checked to exist."""
    path = Path((text or "").strip()).expanduser()
    if not str(path) or not path.is_absolute():
        raise ClaimsUploadError(role, "Give the file's full path on the server.", status=422)
    if not path.is_file():
        raise ClaimsUploadError(role, f"{path}: no such file on the server.", status=422)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise ClaimsUploadError(role, too_large(str(path), size, max_bytes))
    return ClaimsFile(role, path.name, str(path), uploaded=False)


def discard(files: Iterable[ClaimsFile]) -> None:
    """Delete uploaded copies (and their random folders); files given by path stay."""
    for item in files:
        _remove(item)


def request_sizing(
    session: Session,
    organization: Organization,
    files: list[ClaimsFile],
    payer: str | None,
    user_id: int | None,
    delivery: str,
) -> Job:
    """Queue the sizing of `files` for the organization; it starts once the caller commits."""
    params = {
        "organization_id": organization.id,
        "payer": payer or None,
        "delivery": delivery,
        "files": [asdict(item) for item in files],
    }
    return enqueue_job(session, JOB_KIND, params, user_id)


@job_handler(JOB_KIND)
def _size_claims_job(session: Session, params: dict[str, Any], job: Job) -> tuple[str, int]:
    files = [ClaimsFile(**item) for item in params["files"]]
    try:
        sizing = size_files(session, params, files, job)
    finally:
        discard(files)
    return RESULT_TYPE, sizing.id


def size_files(
    session: Session, params: Mapping[str, Any], files: list[ClaimsFile], job: Job
) -> ClaimsSizing:
    """Hash and size the files, and add the ClaimsSizing; raises ClaimsSizingError."""
    organization = session.get(Organization, params["organization_id"])
    if organization is None or organization.deleted_at is not None:
        raise ClaimsSizingError("the organization was deleted before its claims were sized")
    by_role = {item.role: item for item in files}
    progress = JobProgress(session.get_bind(), job.id)
    hashes = hash_files(files, progress)
    config = current_app.config
    payer = params.get("payer") or None
    sized = size_extract(
        session,
        Path(by_role[MEMBERS].path),
        Path(by_role[CLAIMS].path),
        sizing_options(config, payer),
        config["WORKBENCH_PROFILES_DIR"],
        progress.stage,
    )
    figures = sized.result.to_json()
    population = _population(figures, payer)
    rows_read = {
        MEMBERS: sized.result.extract.member_rows,
        CLAIMS: sized.result.extract.claim_lines,
    }
    provenance = {
        "files": [
            {
                "role": item.role,
                "name": item.name,
                "sha256": hashes[item.role][0],
                "bytes": hashes[item.role][1],
                "rows_read": rows_read[item.role],
                **({} if item.uploaded else {"path": item.path}),
            }
            for item in files
        ],
        "sized_at": utcnow().isoformat(timespec="seconds"),
        "payer": payer,
        "delivery": params.get("delivery", UPLOAD),
        "method": METHOD,
        "evidence_source": sized.evidence_source,
        "job_id": job.id,
    }
    sizing = ClaimsSizing(
        organization_id=organization.id,
        payer_name=payer,
        baseline_tcoc_pmpm=_decimal(population, "tcoc_pmpm"),
        cohort_cost_multiplier=_decimal(population, "cohort_cost_multiplier"),
        figures=figures,
        provenance=provenance,
        created_by_id=job.created_by_id,
    )
    session.add(sizing)
    session.flush()
    record_event(
        session,
        "claims.sized",
        user_id=job.created_by_id,
        target=sizing,
        details={
            "organization_id": organization.id,
            "payer": payer,
            "files": {item.role: item.name for item in files},
            "sha256": {role: digest for role, (digest, _) in hashes.items()},
        },
    )
    return sizing


class JobProgress:
    """Write a job's progress from any thread (DuckDB reports it from a polling thread).

    Written on a connection of its own, never through the job's session, and only when the
    whole percentage moves forward.
    """

    def __init__(self, engine: Engine, job_id: int):
        self.engine = engine
        self.job_id = job_id
        self.shown = -1

    def set(self, percent: float) -> None:
        value = int(percent)
        if value <= self.shown:
            return
        self.shown = value
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(Job.__table__).where(Job.id == self.job_id).values(progress=value)
                )
        except SQLAlchemyError:  # progress is a courtesy; the sizing goes on without it
            LOGGER.warning("Could not record the progress of job %s", self.job_id, exc_info=True)

    def stage(self, stage: str, done: float) -> None:
        """The sizing's progress callback: (stage, fraction of that stage done)."""
        low, high = STAGES.get(stage, (self.shown, self.shown))
        self.set(low + (high - low) * max(0.0, min(done, 1.0)))


def hash_files(
    files: list[ClaimsFile], progress: JobProgress | None = None
) -> dict[str, tuple[str, int]]:
    """Return each file's sha256 and size by role, reading in chunks those not hashed on upload."""
    found = {item.role: (item.sha256, item.size) for item in files if item.sha256 is not None}
    unread = [item for item in files if item.sha256 is None]
    total = sum(Path(item.path).stat().st_size for item in unread) or 1
    done = 0
    for item in unread:
        digest = hashlib.sha256()
        size = 0
        with open(item.path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                done += len(chunk)
                if progress is not None:
                    low, high = HASHING
                    progress.set(low + (high - low) * done / total)
        found[item.role] = (digest.hexdigest(), size)
    return found


# -- what the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of a sizing: its value (None when suppressed) and how to show it."""

    label: str
    value: Decimal | None
    kind: str  # money, ratio, percent, count, per_thousand
    suppressed: bool


@dataclass(frozen=True)
class CohortLine:
    label: str
    members: Decimal | None
    pmpm: Decimal | None
    ed_visits_per_1000: Decimal | None
    admissions_per_1000: Decimal | None
    suppressed: bool


@dataclass(frozen=True)
class SavingsLine:
    label: str
    low_rate: Decimal | None
    high_rate: Decimal | None
    low: Decimal | None
    mid: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class FileLine:
    role: str
    name: str
    sha256: str
    sha256_short: str
    bytes: int | None
    rows_read: int | None
    path: str | None


@dataclass(frozen=True)
class SizingView:
    """A stored sizing as the organization page shows it: typed figures, never arithmetic."""

    id: int
    scope: str
    payer: str | None
    baseline_tcoc_pmpm: Decimal | None
    cohort_cost_multiplier: Decimal | None
    figures: tuple[Figure, ...]
    cohorts: tuple[CohortLine, ...]
    savings_low: Decimal | None
    savings_mid: Decimal | None
    savings_high: Decimal | None
    savings_suppressed: bool
    savings_note: str | None
    savings_lines: tuple[SavingsLine, ...]
    annual_excess_cost: Decimal | None
    unmatched_lines: int
    unmatched_allowed: Decimal | None
    first_month: str
    last_month: str
    months_covered: int | None
    files: tuple[FileLine, ...]
    sized_at: datetime
    sized_by: str
    delivery: str
    method: str
    evidence_source: str
    warnings: tuple[str, ...]
    other_payers: tuple[str, ...]


POPULATION_FIGURES = (
    ("members", "members", "count"),
    ("member_months", "member-months", "count"),
    ("tcoc_pmpm", "total cost of care PMPM", "money"),
    ("bh_prevalence", "behavioral-health prevalence", "percent"),
    ("bh_cost_multiplier", "cost multiplier, with vs without behavioral health", "ratio"),
    ("cohort_cost_multiplier", "cohort cost multiplier (μ), with BH vs everyone", "ratio"),
    ("ed_visits_per_1000", "ED visits per 1,000 a year", "per_thousand"),
    ("admissions_per_1000", "admissions per 1,000 a year", "per_thousand"),
    ("top5pct_cost_share", "share of cost in the costliest 5% of members", "percent"),
)
COHORTS = (
    ("with_bh", "with behavioral health"),
    ("without_bh", "without behavioral health"),
    ("chronic_with_bh", "chronic condition, with behavioral health"),
    ("chronic_without_bh", "chronic condition, without behavioral health"),
)


def list_claims_sizings(session: Session, organization_id: int) -> list[SizingView]:
    """Return the organization's sizings, newest first, ready to show."""
    records = session.scalars(
        select(ClaimsSizing)
        .where(ClaimsSizing.organization_id == organization_id)
        .options(selectinload(ClaimsSizing.created_by))
        .order_by(ClaimsSizing.created_at.desc(), ClaimsSizing.id.desc())
    )
    return [sizing_view(record) for record in records]


def sizing_view(record: ClaimsSizing) -> SizingView:
    """Turn a stored sizing's JSON into typed figures for a page."""
    figures = record.figures or {}
    provenance = record.provenance or {}
    payer = record.payer_name
    population = _population(figures, payer)
    hidden = bool(population.get("suppressed"))
    shown = tuple(
        Figure(
            label,
            None if hidden else _decimal(population, key),
            kind,
            hidden or _gone(population, key),
        )
        for key, label, kind in POPULATION_FIGURES
    )
    cohorts = population.get("cohorts") or {}
    cohort_lines = tuple(
        _cohort_line(label, cohorts.get(key) or {}, hidden) for key, label in COHORTS
    )
    found = figures.get("opportunity") or {}
    extract = figures.get("extract") or {}
    unmatched = figures.get("unmatched") or {}
    return SizingView(
        id=record.id,
        scope=f"payer {payer}" if payer else "all payers in the extract",
        payer=payer,
        baseline_tcoc_pmpm=record.baseline_tcoc_pmpm,
        cohort_cost_multiplier=record.cohort_cost_multiplier,
        figures=shown,
        cohorts=cohort_lines,
        savings_low=_decimal(found, "low"),
        savings_mid=_decimal(found, "mid"),
        savings_high=_decimal(found, "high"),
        savings_suppressed=bool(found.get("suppressed")),
        savings_note=found.get("note"),
        savings_lines=tuple(
            SavingsLine(
                item.get("label") or item.get("key", ""),
                _decimal(item, "low_rate"),
                _decimal(item, "high_rate"),
                _decimal(item, "low"),
                _decimal(item, "mid"),
                _decimal(item, "high"),
            )
            for item in found.get("estimates") or ()
        ),
        annual_excess_cost=_decimal(found, "annual_excess_cost"),
        unmatched_lines=int(unmatched.get("claim_lines") or 0),
        unmatched_allowed=_decimal(unmatched, "allowed"),
        first_month=extract.get("first_month", ""),
        last_month=extract.get("last_month", ""),
        months_covered=extract.get("months_covered"),
        files=tuple(_file_line(item) for item in provenance.get("files") or ()),
        sized_at=record.created_at,
        sized_by=record.created_by.name if record.created_by else "—",
        delivery=provenance.get("delivery", UPLOAD),
        method=provenance.get("method", METHOD),
        evidence_source=provenance.get("evidence_source", ""),
        warnings=tuple(figures.get("warnings") or ()),
        other_payers=tuple(name for name in figures.get("payers") or {} if name != payer),
    )


def claims_sizing_organization(session: Session, sizing_id: int) -> int | None:
    """Return the organization a sizing belongs to (where a finished job sends the person)."""
    return session.scalar(select(ClaimsSizing.organization_id).where(ClaimsSizing.id == sizing_id))


# -- scenarios ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimsOffer:
    """What a payer's latest sizing offers a scenario: the baseline and the cohort multiplier."""

    sizing_id: int
    organization_id: int
    organization_name: str
    payer_name: str | None
    baseline_tcoc_pmpm: Decimal | None
    cohort_cost_multiplier: Decimal | None
    claims_file: str
    sha256: str
    sha256_short: str
    rows_read: int | None
    sized_at: datetime

    def source(self) -> str:
        """Say where the figures came from: file, hash, rows and date."""
        rows = f", {self.rows_read:,} rows" if self.rows_read is not None else ""
        return (
            f"from {self.claims_file}, sha256 {self.sha256_short}…{rows}, {self.sized_at:%Y-%m-%d}"
        )


def get_claims_offer(session: Session, sizing_id: int) -> ClaimsOffer | None:
    """Return what one sizing offers a scenario, or None if it has neither figure."""
    record = session.get(ClaimsSizing, sizing_id)
    return _offer(record) if record is not None else None


def latest_claims_offer(session: Session, organization_id: int | None) -> ClaimsOffer | None:
    """Return the offer of the organization's latest sizing that has a figure to use."""
    if organization_id is None:
        return None
    records = session.scalars(
        select(ClaimsSizing)
        .where(ClaimsSizing.organization_id == organization_id)
        .order_by(ClaimsSizing.created_at.desc(), ClaimsSizing.id.desc())
    )
    return next((offer for offer in map(_offer, records) if offer is not None), None)


def fill_from_claims(
    data: Mapping[str, Any],
    offer: ClaimsOffer,
    add_payer: Callable[[dict], dict] | None = None,
) -> dict:
    """Return scenario form data with the offer's baseline and cohort multiplier filled in.

    The baseline goes to the payer row named as the organization (or as the sized payer); failing
    that to a single unnamed row; failing that `add_payer(data)` adds the organization's row.
    """
    data = dict(data)
    if offer.cohort_cost_multiplier is not None:
        savings = dict(data.get("savings") or {})
        savings["cohort_cost_multiplier"] = str(offer.cohort_cost_multiplier)
        data["savings"] = savings
    if offer.baseline_tcoc_pmpm is None:
        return data
    baseline = str(offer.baseline_tcoc_pmpm)
    names = {name.strip().lower() for name in (offer.organization_name, offer.payer_name) if name}
    payers = [dict(row) for row in data.get("payers") or ()]
    index = next(
        (i for i, row in enumerate(payers) if (row.get("name") or "").strip().lower() in names),
        None,
    )
    # A lone unnamed row takes the organization's name only when it cannot be filled from the
    # organization itself (members, rates and focus come with `add_payer`).
    unnamed = len(payers) == 1 and not (payers[0].get("name") or "").strip()
    if index is None and unnamed and add_payer is None:
        index = 0
        payers[0]["name"] = offer.organization_name
    if index is None and add_payer is not None:
        data = add_payer(data | {"payers": payers})
        payers = [dict(row) for row in data["payers"]]
        index = len(payers) - 1
    if index is not None:
        payers[index]["baseline_tcoc_pmpm"] = baseline
    return data | {"payers": payers}


def get_claims_source(session: Session, scenario: Scenario | None) -> ClaimsOffer | None:
    """Return the sizing a saved scenario's claims figures came from, or None."""
    if scenario is None or scenario.claims_sizing_id is None:
        return None
    return get_claims_offer(session, scenario.claims_sizing_id)


def use_claims_sizing(session: Session, scenario: Scenario, sizing_id: int, user_id: int) -> None:
    """Record that the scenario's baseline and cohort multiplier came from this sizing."""
    offer = get_claims_offer(session, sizing_id)
    if offer is None:
        return
    scenario.claims_sizing_id = sizing_id
    record_event(
        session,
        "scenario.claims_used",
        user_id=user_id,
        target=scenario,
        details={"claims_sizing_id": sizing_id, "organization_id": offer.organization_id},
    )


def _offer(record: ClaimsSizing) -> ClaimsOffer | None:
    if record.baseline_tcoc_pmpm is None and record.cohort_cost_multiplier is None:
        return None
    files = {item.get("role"): item for item in (record.provenance or {}).get("files") or ()}
    claims = files.get(CLAIMS) or {}
    digest = claims.get("sha256") or ""
    return ClaimsOffer(
        sizing_id=record.id,
        organization_id=record.organization_id,
        organization_name=record.organization.name,
        payer_name=record.payer_name,
        baseline_tcoc_pmpm=record.baseline_tcoc_pmpm,
        cohort_cost_multiplier=record.cohort_cost_multiplier,
        claims_file=claims.get("name") or "the claims file",
        sha256=digest,
        sha256_short=digest[:SHORT_HASH],
        rows_read=claims.get("rows_read"),
        sized_at=record.created_at,
    )


def _file_line(item: Mapping[str, Any]) -> FileLine:
    digest = item.get("sha256") or ""
    return FileLine(
        role=item.get("role", ""),
        name=item.get("name", ""),
        sha256=digest,
        sha256_short=digest[:SHORT_HASH],
        bytes=item.get("bytes"),
        rows_read=item.get("rows_read"),
        path=item.get("path"),
    )


def _cohort_line(label: str, cohort: Mapping[str, Any], hidden: bool) -> CohortLine:
    gone = hidden or bool(cohort.get("suppressed"))
    return CohortLine(
        label=label,
        members=None if gone else _decimal(cohort, "members"),
        pmpm=None if gone else _decimal(cohort, "pmpm"),
        ed_visits_per_1000=None if gone else _decimal(cohort, "ed_visits_per_1000"),
        admissions_per_1000=None if gone else _decimal(cohort, "admissions_per_1000"),
        suppressed=gone,
    )


def _population(figures: Mapping[str, Any], payer: str | None) -> Mapping[str, Any]:
    """The figures a sizing is about: its payer's when it was limited to one, else everyone's."""
    chosen = (figures.get("payers") or {}).get(payer) if payer else None
    return chosen or figures.get("overall") or {}


def _gone(values: Mapping[str, Any], key: str) -> bool:
    return values.get(key) is None


def _decimal(values: Mapping[str, Any], key: str) -> Decimal | None:
    value = values.get(key)
    return None if value is None else Decimal(str(value))


def _stream_length(stream: IO[bytes]) -> int | None:
    """The length of a spooled upload, found by seeking (None if it cannot seek)."""
    try:
        start = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(start)
    except (AttributeError, OSError, ValueError):
        return None
    return end - start


def _remove(item: ClaimsFile) -> None:
    if not item.uploaded:
        return
    path = Path(item.path)
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # the file's own random folder
