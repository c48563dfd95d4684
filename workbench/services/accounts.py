"""Accounts: create people, check their passwords, end their sessions, issue API tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's second
recommendation), because werkzeug's default scrypt parameters sit below OWASP's minimum.
"""

import hashlib
import secrets
from functools import cache
from pathlib import Path
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.models import User, utcnow
from workbench.models.enums import Role
from workbench.services.audit import record_event
from workbench.services.unit_of_work import keep_when_refused

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 64
HASHER = PasswordHasher()
_COMMON = frozenset(
    line.strip().lower()
    for line in (Path(__file__).with_name("common_passwords.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


class AccountError(WorkbenchError):
    """A request about an account that cannot be met; `field` names the form field at fault."""


@cache
def _decoy_hash(hasher: PasswordHasher) -> str:
    """Return a hash to verify against when the email is unknown, so both failures take as long.

    Made on first use, not at import: hashing costs what a sign-in costs, and most commands
    never check a password.
    """
    return hasher.hash("not a real password, only a timing decoy")


def password_problem(password: str, email: str = "") -> str | None:
    """Return why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return "is too common or too simple; choose a passphrase of your own"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "must not contain your email name"
    return None


def normalise_email(email: str) -> str:
    """Return the email as stored: trimmed and lower-case."""
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User | None:
    """Return the account with this id, or None."""
    return session.get(User, user_id)


def get_user_by_email(session: Session, email: str) -> User | None:
    """Return the account with this email, or None."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def count_users(session: Session) -> int:
    """Return how many accounts exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    session: Session, email: str, password: str, role: Role, name: str = "", by: User | None = None
) -> User:
    """Create an account after checking the email is new and the password acceptable."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError("must be an email address", "email")
    if get_user_by_email(session, email) is not None:
        raise AccountError(f"{email} already has an account", "email")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(f"the password {problem}", "password")
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        role=Role(role),
        password_hash=HASHER.hash(password),
        session_nonce=secrets.token_hex(16),
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        "user.created",
        user_id=by.id if by else None,
        target=user,
        details={"email": email, "role": str(role)},
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active account these credentials open, or None; both take the same time."""
    user = get_user_by_email(session, email)
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[: MAX_PASSWORD_LENGTH + 1]
    try:
        HASHER.verify(user.password_hash if user else _decoy_hash(HASHER), password)
    except (VerificationError, InvalidHashError):
        record_event(
            session,
            "user.login_failed",
            user_id=user.id if user else None,
            details={"email": normalise_email(email)[:320]},
        )
        keep_when_refused(session)  # the refusal is answered 401, and its audit record stays
        return None
    if user is None or not user.active:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.last_login_at = utcnow()
    record_event(session, "user.login", user_id=user.id, target=user)
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of the user: their cookies carry the old nonce."""
    user.session_nonce = secrets.token_hex(16)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; ends every other session."""
    try:
        HASHER.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("is not your current password", "current_password") from None
    set_password(session, user, new, by=user)


def set_password(session: Session, user: User, new: str, by: User | None = None) -> None:
    """Set a new password (checked), and end every session of the user."""
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(f"the password {problem}", "new_password")
    user.password_hash = HASHER.hash(new)
    end_sessions(user)
    record_event(session, "user.password_changed", user_id=by.id if by else None, target=user)


def update_account(session: Session, user: User, role: Role, active: bool, by: User) -> None:
    """Change a person's role or disable them; disabling ends every session they have."""
    if user.id == by.id and (role != Role.ADMIN or not active):
        raise AccountError("you cannot remove your own administrator access", "role")
    changes = {}
    if user.role != role:
        changes["role"] = [str(user.role), str(role)]
        user.role = role
    if user.active != active:
        changes["active"] = [user.active, active]
        user.active = active
        end_sessions(user)
    if changes:
        record_event(session, "user.updated", user_id=by.id, target=user, details=changes)


def issue_api_token(session: Session, user: User) -> str:
    """Create a new API token for the user (replacing any old one) and return it, shown once."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = token_digest(token)
    record_event(session, "user.api_token_issued", user_id=user.id, target=user)
    return token


def get_user_by_token(session: Session, token: str) -> User | None:
    """Return the active account an API token belongs to, or None."""
    user = session.scalar(select(User).where(User.api_token_hash == token_digest(token)))
    return user if user is not None and user.active else None


def token_digest(token: str) -> str:
    """Hash an API token for storage; a random 256-bit token needs no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


FIRST_ADMIN_EMAIL = "admin@workbench.local"


def create_first_administrator(session: Session) -> tuple[str, str] | None:
    """Create an administrator with a random password if there is no account yet."""
    if count_users(session) > 0:
        return None
    password = secrets.token_urlsafe(15)
    create_user(session, FIRST_ADMIN_EMAIL, password, Role.ADMIN, "Administrator")
    return FIRST_ADMIN_EMAIL, password


def set_time_zone(session: Session, user: User, name: str | None) -> None:
    """Set the zone the person types and reads times in (None: the server's), and audit it."""
    if name and name not in available_timezones():
        raise AccountError("Choose a time zone from the list.", field="time_zone")
    user.time_zone = name or None
    session.flush()
    record_event(
        session, "user.time_zone_set", user_id=user.id, target=user, details={"time_zone": name}
    )
