"""Background jobs: a status record for work done off the request thread (renders, claims)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.models.base import ModelBase, utcnow
from workbench.models.enums import JobStatus


class Job(ModelBase):
    """One piece of background work: what it is, how far it got, and what it produced."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[JobStatus] = mapped_column(default=JobStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result_type: Mapped[str | None] = mapped_column(String(64))
    result_id: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Written every few seconds by the process holding the job; a job whose heartbeat stops
    # (its process was killed) is failed by services.jobs.fail_stale_jobs.
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=utcnow)
