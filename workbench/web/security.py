"""Who may do what: sessions that expire and can be revoked, role checks, security headers."""

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from workbench.errors import WorkbenchError
from workbench.extensions import login_manager
from workbench.models import User
from workbench.services.accounts import get_user
from workbench.services.audit import (
    RequestContext,
    current_origin,
    record_event,
    request_context,
)
from workbench.services.throttle import SignInThrottle
from workbench.services.unit_of_work import keep_when_refused
from workbench.web.unit import work

# Pages anyone may reach without signing in: the sign-in form, static files, the health check.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "health.healthz"})
# What someone whose password an administrator reset may reach before choosing their own.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.account", "auth.logout", "static"})
THROTTLE = "workbench.sign_in_throttle"
# Answers that carry the negotiation's figures or health data: never kept by a browser or proxy.
PRIVATE_TYPES = frozenset({"text/html", "application/json", "application/pdf", "application/yaml"})
HSTS = "max-age=31536000; includeSubDomains"
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
    app.extensions[THROTTLE] = SignInThrottle(
        app.config["WORKBENCH_SIGN_IN_STORAGE_URI"],
        app.config["WORKBENCH_LOGIN_LIMIT"],
        free_failures=app.config["WORKBENCH_LOGIN_FREE_FAILURES"],
        max_lockout=app.config["WORKBENCH_LOGIN_MAX_LOCKOUT_SECONDS"],
    )
    trust_proxies(app, app.config["WORKBENCH_PROXIES"])
    app.before_request(note_request_origin)
    app.before_request(require_sign_in)
    app.after_request(add_security_headers)
    app.teardown_request(forget_request_origin)


def trust_proxies(app: Flask, proxies: int) -> None:
    """Believe X-Forwarded-For/-Proto from exactly `proxies` proxies; none unless configured,
    so a client cannot pick the address its failures are counted against."""
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def sign_in_throttle() -> SignInThrottle:
    """The app's counter of failed sign-ins."""
    return current_app.extensions[THROTTLE]


def note_request_origin() -> None:
    """Let the audit trail know where this request came from (services/audit.py)."""
    g.audit_origin = request_context.set(
        RequestContext(
            client_address=request.remote_addr,
            user_agent=request.user_agent.string or None,
            session_id=session.get("sid"),
        )
    )


def forget_request_origin(_error: BaseException | None = None) -> None:
    token = g.pop("audit_origin", None)
    if token is not None:
        request_context.reset(token)


def new_session_id() -> str:
    """Name the session about to start, so the sign-in's own audit event carries it."""
    g.new_session_id = secrets.token_urlsafe(16)
    origin = current_origin()
    request_context.set(RequestContext(origin.client_address, origin.user_agent, g.new_session_id))
    return g.new_session_id


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
    session["sid"] = g.pop("new_session_id", None) or secrets.token_urlsafe(16)
    stamp = now().timestamp()
    session["signed_in_at"] = stamp
    session["seen_at"] = stamp


def require_sign_in() -> Any:
    """Send anyone not signed in to the sign-in page; end sessions idle or old past the limits.

    Runs before the CSRF check and before any view, so a request refused for who sends it
    (anonymous, expired, or a role without the view's permission) is answered without its body
    being read; only then may a view that takes large uploads raise the body limit.
    """
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
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash(
            "Your password was reset by an administrator: choose your own to continue.", "warning"
        )
        return redirect(url_for("auth.account"))
    view = current_app.view_functions.get(request.endpoint or "")
    permission = getattr(view, "permission", None)
    if permission and not current_user.can(permission):
        abort(403)
    body_limit = getattr(view, "body_limit", None)
    if body_limit:
        request.max_content_length = current_app.config[body_limit]
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


def audit_view(action: str, target: Any = None, **details: Any) -> None:
    """Record that the person (by page or API token) read or took sensitive data."""
    user = g.get("api_user") or current_user
    user_id = user.id if user.is_authenticated else None
    record_event(work(), action, user_id=user_id, target=target, details=details)


def audit_listing(action: str, records: list, **details: Any) -> list:
    """Record that the person saw these records, if there are any; return them."""
    if records:
        audit_view(action, None, ids=[getattr(record, "id", None) for record in records])
    return records


def audit_refusal(
    action: str, target: Any = None, error: WorkbenchError | None = None, **details: Any
) -> None:
    """Record a refused attempt, kept though the answer is an error (the request wrote nothing
    else: its refusal comes before any change). Of an error, only the fields it names are kept:
    its message may quote the data refused."""
    if error is not None:
        details["fields"] = [problem.field for problem in error.problems]
    audit_view(action, target, **details)
    keep_when_refused(work())


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


def large_body(setting: str) -> Callable:
    """Let the view take a request body up to the configured `setting` (bytes) instead of the
    small global MAX_CONTENT_LENGTH; raised only once sign-in and role have been checked."""

    def decorate(view: Callable) -> Callable:
        view.body_limit = setting  # read by require_sign_in
        return view

    return decorate


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None.

    Refused: another host or scheme, `//host` and `/\\host` (browsers read both as a host),
    and any control character (CR/LF would split the Location header).
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target.rstrip("?")


def add_security_headers(response: Any) -> Any:
    """Set the headers every answer carries: CSP without inline script, no sniffing, no framing;
    no caching of pages, PDFs, JSON or YAML; HSTS when cookies are HTTPS-only."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype in PRIVATE_TYPES:
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Secure cookies mean the site is served over HTTPS: browsers are told to keep to it.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
