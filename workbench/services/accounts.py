"""Accounts: create people, check their passwords, end their sessions, issue API tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's second
recommendation), because werkzeug's default scrypt parameters sit below OWASP's minimum.

A new password is judged as NIST SP 800-63B asks: by length (12 to 64 characters, any
characters), against passwords exposed in breaches, and by how guessable it is, never by
composition rules. Both checks use zxcvbn (MIT): its list of 30,000 passwords from leaked
password dumps, and its estimate of the guesses needed, which also tries the person's email and
name, and the breached passwords with capitals, l33t, digits and years around them.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import WorkbenchError
from workbench.models import User, utcnow
from workbench.models.enums import Role
from workbench.services.audit import current_origin, record_event
from workbench.services.throttle import SignInThrottle
from workbench.services.unit_of_work import keep_when_refused

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 64
# zxcvbn's guesses (log10) below which a password is refused: 10^10 guesses, its score 4,
# is out of reach of an online attack and a long way for an offline one against Argon2id.
MIN_GUESSES_LOG10 = 10
HASHER = PasswordHasher()
FAILED_SIGN_IN = "That email and password do not match an active account."
# A failed sign-in's email is kept in the audit trail only if it looks like one: a password
# typed into the email field must not end up in the log.
AUDITABLE_EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}")


class AccountError(WorkbenchError):
    """A request about an account that cannot be met; `field` names the form field at fault."""


@cache
def _decoy_hash(hasher: PasswordHasher) -> str:
    """Return a hash to verify against when the email is unknown, so both failures take as long.

    Made on first use, not at import: hashing costs what a sign-in costs, and most commands
    never check a password.
    """
    return hasher.hash("not a real password, only a timing decoy")


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Return why a password is refused ("must be ..."), or None when it is acceptable.

    Worded without "your", so it reads right to a person choosing their own password and to an
    administrator setting someone else's.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.lower() in breached_passwords():
        return "is in a list of passwords exposed in data breaches; choose another"
    if _guesses_log10(password, email, name) < MIN_GUESSES_LOG10:
        return (
            "is too easy to guess (a common word, name, pattern or the account's email with "
            "a few changes); a passphrase of four or more unrelated words is best"
        )
    return None


@cache
def breached_passwords() -> frozenset[str]:
    """The passwords of zxcvbn's list, drawn from leaked password dumps (read on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _guesses_log10(password: str, email: str, name: str) -> float:
    from zxcvbn import zxcvbn

    hints = [part for part in (email, email.split("@")[0], *name.split()) if part]
    return float(zxcvbn(password, user_inputs=hints)["guesses_log10"])


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
    problem = password_problem(password, email, name)
    if problem:
        raise AccountError(f"The password {problem}.", "password")
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


def sign_in(session: Session, email: str, password: str, throttle: SignInThrottle) -> User:
    """Return the account these credentials open, unless failures on it or from this address
    call for a wait; every refusal is audited and answered the same for any email."""
    address = current_origin().client_address
    refusal = throttle.refusal(email, address)
    if refusal is not None:
        _refuse(session, "user.login_throttled", email, reason=refusal.reason)
        raise AccountError(refusal.message, status=429)
    user = authenticate(session, email, password)
    if user is None:
        locked_for = throttle.failed(email, address)
        if locked_for:
            _refuse(session, "user.locked_out", email, seconds=locked_for)
        raise AccountError(FAILED_SIGN_IN, status=401)
    throttle.succeeded(email)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active account these credentials open, or None; both take the same time."""
    user = get_user_by_email(session, email)
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[: MAX_PASSWORD_LENGTH + 1]
    try:
        HASHER.verify(user.password_hash if user else _decoy_hash(HASHER), password)
    except (VerificationError, InvalidHashError):
        _refuse(session, "user.login_failed", email)
        return None
    if user is None or not user.active:
        _refuse(session, "user.login_disabled" if user else "user.login_failed", email)
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.last_login_at = utcnow()
    record_event(session, "user.login", user_id=user.id, target=user)
    return user


def _refuse(session: Session, action: str, email: str, **details: object) -> None:
    """Audit a refused sign-in, and keep the record though the answer is a refusal."""
    user = get_user_by_email(session, email) if auditable_email(email) else None
    record_event(
        session,
        action,
        user_id=user.id if user else None,
        target=user,
        details={"email": auditable_email(email), **details},
    )
    keep_when_refused(session)


def auditable_email(email: str) -> str | None:
    """Return the email as stored if it is well-formed and short, else None (not logged)."""
    email = normalise_email(email)
    return email if len(email) <= 254 and AUDITABLE_EMAIL.fullmatch(email) else None


def confirm_password(session: Session, user: User, password: str, throttle: SignInThrottle) -> None:
    """Check a signed-in person's password again (before a change or an approval).

    Counted and locked like sign-in, so a session left open cannot be used to guess it.
    """
    address = current_origin().client_address
    refusal = throttle.refusal(user.email, address)
    if refusal is not None:
        _refuse(session, "user.reauth_throttled", user.email, reason=refusal.reason)
        raise AccountError(refusal.message, "current_password", status=429)
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        locked_for = throttle.failed(user.email, address)
        _refuse(session, "user.reauth_failed", user.email, locked_for=locked_for)
        raise AccountError("This is not your current password.", "current_password") from None
    throttle.succeeded(user.email)


def sign_out(session: Session, user: User) -> None:
    """Sign out everywhere: every session and the API token end."""
    end_sessions(user)
    record_event(session, "user.logout", user_id=user.id, target=user)


def end_sessions(user: User) -> None:
    """Invalidate every session of the user (their cookies carry the old nonce) and their API
    token, which would otherwise outlive a sign-out everywhere or a new password."""
    user.session_nonce = secrets.token_hex(16)
    user.api_token_hash = None
    user.api_token_expires_at = None


def change_password(
    session: Session, user: User, current: str, new: str, throttle: SignInThrottle
) -> None:
    """Change a password after checking the current one; ends every other session."""
    confirm_password(session, user, current, throttle)
    set_password(session, user, new, by=user)


def set_password(session: Session, user: User, new: str, by: User | None = None) -> None:
    """Set a new password (checked), and end every session and the API token of the user."""
    problem = password_problem(new, user.email, user.name)
    if problem:
        raise AccountError(f"The password {problem}.", "new_password")
    user.password_hash = HASHER.hash(new)
    user.must_change_password = False
    end_sessions(user)
    record_event(session, "user.password_changed", user_id=by.id if by else None, target=user)


def reset_password(session: Session, user: User, by: User) -> str:
    """Give the user a one-time password (returned, to be shown once) that must be changed at
    the next sign-in; every session and the API token end."""
    password = secrets.token_urlsafe(15)
    user.password_hash = HASHER.hash(password)
    user.must_change_password = True
    end_sessions(user)
    record_event(session, "user.password_reset", user_id=by.id, target=user)
    return password


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


def issue_api_token(session: Session, user: User, valid_days: int) -> str:
    """Create a new API token for the user (replacing any old one) and return it, shown once."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = token_digest(token)
    user.api_token_expires_at = utcnow() + timedelta(days=valid_days)
    record_event(
        session,
        "user.api_token_issued",
        user_id=user.id,
        target=user,
        details={"expires_at": user.api_token_expires_at.isoformat(timespec="seconds")},
    )
    return token


def revoke_api_token(session: Session, user: User, by: User) -> bool:
    """Revoke the user's API token; return False if they had none."""
    if user.api_token_hash is None:
        return False
    user.api_token_hash = None
    user.api_token_expires_at = None
    record_event(session, "user.api_token_revoked", user_id=by.id, target=user)
    return True


def get_user_by_token(session: Session, token: str) -> User | None:
    """Return the active account an unexpired API token belongs to, or None."""
    user = session.scalar(select(User).where(User.api_token_hash == token_digest(token)))
    if user is None or not user.active or user.api_token_expires_at is None:
        return None
    return user if user.api_token_expires_at > utcnow() else None


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
