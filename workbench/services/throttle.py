"""Slowing password guessing: per account with backoff, and a looser limit per client address.

Only failures count. An account that fails `free_failures` times in a row is locked for 2
seconds, then 4, 8 ... up to `max_lockout` seconds after each further failure; a success clears
it. A client address may fail `address_limit` times (e.g. "50 per 10 minutes") across all
accounts, a backstop against spraying many accounts: 25 colleagues behind one office address
signing in correctly never touch it, and one person's typos lock only their own account.

The counters live in Redis when it is configured, shared by every worker and kept across
restarts. If Redis cannot be reached, sign-in carries on with counters in this process's memory
and a warning is logged; Redis is tried again after a short pause.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from limits import parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)
RETRY_PRIMARY_AFTER = 30.0  # seconds on memory before Redis is tried again
FAILURES_REMEMBERED = 24 * 3600  # a run of failures is forgotten a day after the last one
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused before its password is checked, and for how long."""

    reason: str  # "account_locked" or "address_limited"
    retry_after: int

    @property
    def message(self) -> str:
        subject = "this account" if self.reason == "account_locked" else "your network address"
        return (
            f"Too many failed sign-ins for {subject}. "
            f"Try again in {self.retry_after} second{'s' if self.retry_after != 1 else ''}."
        )


class SignInThrottle:
    """Counts failed sign-ins per account and per address, in Redis or in memory."""

    def __init__(
        self,
        storage_uri: str,
        address_limit: str,
        free_failures: int = 5,
        max_lockout: int = 900,
    ) -> None:
        options = REDIS_TIMEOUTS if storage_uri.startswith(("redis", "rediss")) else {}
        self.primary: Storage = storage_from_string(storage_uri, **options)
        self.memory = self.primary if isinstance(self.primary, MemoryStorage) else MemoryStorage()
        self.address_limit = parse(address_limit)
        self.free_failures = free_failures
        self.max_lockout = max_lockout
        self._primary_down_until = 0.0

    def refusal(self, email: str, address: str | None) -> Refusal | None:
        """Say why an attempt must wait, or None if its password may be checked."""
        return self._guarded(lambda storage: self._refusal(storage, email, address))

    def failed(self, email: str, address: str | None) -> int:
        """Count a failure; return the seconds the account is now locked (0 if it is not)."""
        return self._guarded(lambda storage: self._failed(storage, email, address))

    def succeeded(self, email: str) -> None:
        """Forget the account's failures: the person proved who they are."""
        self._guarded(lambda storage: self._succeeded(storage, email))

    def _refusal(self, storage: Storage, email: str, address: str | None) -> Refusal | None:
        lock = _account_key("lock", email)
        if storage.get(lock) > 0:
            return Refusal("account_locked", _seconds_until(storage.get_expiry(lock)))
        limiter = FixedWindowRateLimiter(storage)
        if address and not limiter.test(self.address_limit, "sign-in-address", address):
            stats = limiter.get_window_stats(self.address_limit, "sign-in-address", address)
            return Refusal("address_limited", _seconds_until(stats.reset_time))
        return None

    def _failed(self, storage: Storage, email: str, address: str | None) -> int:
        if address:
            FixedWindowRateLimiter(storage).hit(self.address_limit, "sign-in-address", address)
        failures = storage.incr(_account_key("failures", email), FAILURES_REMEMBERED)
        if failures < self.free_failures:
            return 0
        seconds = min(2 ** (failures - self.free_failures + 1), self.max_lockout)
        lock = _account_key("lock", email)
        storage.clear(lock)
        storage.incr(lock, seconds)
        return seconds

    def _succeeded(self, storage: Storage, email: str) -> None:
        storage.clear(_account_key("failures", email))
        storage.clear(_account_key("lock", email))

    def _guarded(self, operation: Callable[[Storage], T]) -> T:
        """Run `operation` on Redis; on a connection failure, on memory with a warning."""
        if self.primary is not self.memory and time.monotonic() >= self._primary_down_until:
            try:
                return operation(self.primary)
            except self.primary.base_exceptions as error:
                self._primary_down_until = time.monotonic() + RETRY_PRIMARY_AFTER
                log.warning(
                    "sign-in limits: Redis is unreachable (%s); counting in this process's "
                    "memory for %.0f s",
                    type(error).__name__,
                    RETRY_PRIMARY_AFTER,
                )
        return operation(self.memory)


def _account_key(kind: str, email: str) -> str:
    """Key an account's counter by a hash of its email: Redis holds no addresses."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"workbench:sign-in:{kind}:{digest}"


def _seconds_until(timestamp: float) -> int:
    return max(1, math.ceil(timestamp - time.time()))
