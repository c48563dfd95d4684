"""The claims sizing job: hash and size the files in the background, and store the figures.

The job reports its progress on its own connection while DuckDB reads; the stored ClaimsSizing
keeps the figures (never member-level rows) and the files' provenance.
"""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workbench.claims import ClaimsSizingError
from workbench.claims.results import SizingResult
from workbench.models import ClaimsSizing, Job, Organization, utcnow
from workbench.services.audit import record_event
from workbench.services.claims import size_extract, sizing_options
from workbench.services.claims_sizings import METHOD, population_of
from workbench.services.claims_uploads import (
    CHUNK_BYTES,
    CLAIMS,
    MEMBERS,
    UPLOAD,
    ClaimsFile,
    discard,
)
from workbench.services.jobs import CLAIMS as CLAIMS_SLOT
from workbench.services.jobs import enqueue_job, job_handler

LOGGER = logging.getLogger(__name__)
JOB_KIND = "size_claims"
RESULT_TYPE = "claims_sizing"
# Where each stage of a sizing falls on the job's progress bar (percent from, to).
HASHING = (0, 10)
STAGES = {"reading members": (10, 30), "reading claims": (30, 85), "summing up": (85, 99)}


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


@job_handler(JOB_KIND, CLAIMS_SLOT, "WORKBENCH_CLAIMS_SECONDS")
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
    # The scenario takes the figures as stored and shown (cents, 4 places), not the exact ones.
    population = population_of(SizingResult.from_json(figures), payer)
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
        baseline_tcoc_pmpm=population.tcoc_pmpm,
        cohort_cost_multiplier=population.cohort_cost_multiplier,
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
