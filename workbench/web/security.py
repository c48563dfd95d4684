"""Who may do what: sessions that expire and can be revoked, role checks, security headers."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from workbench.extensions import login_manager
from workbench.models import User
from workbench.services.accounts import get_user
from workbench.web.unit import work

# Pages anyone may reach without signing in: the sign-in form itself and static files.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static"})
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # The zone line places its marks with style attributes and vega's tooltips add a <style>
        # element; scripts stay strictly external, and vega runs its expression interpreter
        # (static/js/charts.js) so it needs no 'unsafe-eval'.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security(app: Flask) -> None:
    """Attach the login manager, the session checks and the security headers to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = None  # revocation is the nonce's job; see load_user
    login_manager.user_loader(load_user)
    app.before_request(require_sign_in)
    app.after_request(add_security_headers)


def load_user(session_id: str) -> User | None:
    """Return the account of a session, or None if its nonce is stale (ended) or it is disabled."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = get_user(work(), int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def start_session(user: User) -> None:
    """Begin a new session for the user: nothing of the old one carries over."""
    session.clear()
    login_user(user)
    stamp = now().timestamp()
    session["signed_in_at"] = stamp
    session["seen_at"] = stamp


def require_sign_in() -> Any:
    """Send anyone not signed in to the sign-in page; end sessions idle or old past the limits."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint == "api":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    expired = session_expiry_reason()
    if expired:
        logout_user()
        session.clear()
        flash(expired, "warning")
        return redirect(url_for("auth.login", next=safe_next(request.full_path)))
    session["seen_at"] = now().timestamp()
    return None


def session_expiry_reason() -> str | None:
    """Say why the current session has expired, or None while it is still valid."""
    stamp = now().timestamp()
    idle = current_app.config["WORKBENCH_IDLE_MINUTES"] * 60
    absolute = current_app.config["WORKBENCH_SESSION_HOURS"] * 3600
    if stamp - session.get("seen_at", 0) > idle:
        return "You were signed out after a period of inactivity."
    if stamp - session.get("signed_in_at", 0) > absolute:
        return "Your session reached its time limit; please sign in again."
    return None


def login_is_fresh() -> bool:
    """Tell whether the person signed in recently enough to approve a document."""
    limit = timedelta(minutes=current_app.config["WORKBENCH_FRESH_LOGIN_MINUTES"])
    return now().timestamp() - session.get("signed_in_at", 0) <= limit.total_seconds()


def permission_required(permission: str) -> Callable:
    """Refuse the view with 403 unless the signed-in person's role grants `permission`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = g.get("api_user") or current_user
            if not user.is_authenticated or not user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = permission  # read by the role-matrix test
        return guarded

    return decorate


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site (never another host), else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target.rstrip("?")


def add_security_headers(response: Any) -> Any:
    """Set the headers every answer carries: CSP without inline script, no sniffing, no framing."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
