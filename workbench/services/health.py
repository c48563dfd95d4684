"""What a load balancer or a monitor asks: can this instance serve? Database, Redis, disk.

Each check says only whether it passed and, when not, what failed in words an operator can act on;
never a URL, a password or a path.
"""

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

# Below this much free space for uploads, a claims upload may fill the disk mid-way.
DEFAULT_MIN_FREE_BYTES = 1000**3


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Health:
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "failing",
            "checks": {
                check.name: {"ok": check.ok, **({"detail": check.detail} if check.detail else {})}
                for check in self.checks
            },
        }


def check_health(session: Session, config: Mapping[str, Any]) -> Health:
    """Check the database, Redis when configured, and the free space where uploads are kept."""
    checks = [check_database(session), check_disk(config)]
    if config.get("WORKBENCH_REDIS_URL"):
        checks.append(check_redis(config))
    return Health(tuple(checks))


def check_database(session: Session) -> Check:
    """Run one trivial statement (within the configured connect and statement timeouts)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:  # the request's unit of work rolls back on the 503
        return Check("database", False, f"the database did not answer ({type(error).__name__})")
    return Check("database", True)


def check_redis(config: Mapping[str, Any]) -> Check:
    """Ping Redis, within WORKBENCH_REDIS_TIMEOUT_SECONDS."""
    from redis import Redis
    from redis.exceptions import RedisError

    timeout = config["WORKBENCH_REDIS_TIMEOUT_SECONDS"]
    try:
        client = Redis.from_url(
            config["WORKBENCH_REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
        )
        client.ping()
    except RedisError as error:
        return Check("redis", False, f"Redis did not answer ({type(error).__name__})")
    return Check("redis", True)


def check_disk(config: Mapping[str, Any]) -> Check:
    """Check the upload folder's disk has WORKBENCH_MIN_FREE_BYTES free (its parent if not made)."""
    folder = Path(config["WORKBENCH_UPLOAD_DIR"])
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    needed = config.get("WORKBENCH_MIN_FREE_BYTES", DEFAULT_MIN_FREE_BYTES)
    if free < needed:
        return Check(
            "disk",
            False,
            f"{free:,} bytes free for uploads, under the {needed:,} required "
            "(WORKBENCH_MIN_FREE_BYTES)",
        )
    return Check("disk", True)
