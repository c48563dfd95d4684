"""Administration: accounts and the audit log (administrators only)."""

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workbench.models.enums import ADMINISTER, Role
from workbench.services.accounts import (
    AccountError,
    create_user,
    get_user,
    reset_password,
    revoke_api_token,
    update_account,
)
from workbench.services.audit import record_event
from workbench.services.audit_log import (
    AuditFilter,
    get_audit_choices,
    get_audit_events,
    list_users,
)
from workbench.web.errors import show_on_form
from workbench.web.forms.accounts import UserCreateForm, UserUpdateForm
from workbench.web.security import permission_required
from workbench.web.unit import work

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@permission_required(ADMINISTER)
def only_administrators() -> None:
    """Every page here is for administrators only."""


@blueprint.get("/users")
def users() -> str:
    """List the accounts with their roles."""
    accounts = list_users(work())
    forms = {user.id: UserUpdateForm(obj=user, prefix=f"u{user.id}") for user in accounts}
    return render_template("admin/users.html", users=accounts, forms=forms)


@blueprint.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account with a role and an initial password."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                work(),
                form.email.data,
                form.password.data,
                Role(form.role.data),
                form.name.data or "",
                by=current_user,
            )
        except AccountError as error:
            show_on_form(form, error, "email")
        else:
            flash(f"Account created for {user.email} ({user.role}).", "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form), 200 if not form.errors else 422


@blueprint.post("/users/<int:user_id>")
def update_user(user_id: int):
    """Change a person's role or enable/disable the account (disabling signs them out)."""
    user = get_user(work(), user_id) or abort(404)
    form = UserUpdateForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        update_account(work(), user, Role(form.role.data), form.active.data, by=current_user)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.users"))
    flash(f"{user.email} updated.", "info")
    return redirect(url_for("admin.users"))


@blueprint.post("/users/<int:user_id>/reset-password")
def reset_user_password(user_id: int) -> str:
    """Give a person a one-time password, shown once here, to be changed at their next sign-in."""
    user = get_user(work(), user_id) or abort(404)
    password = reset_password(work(), user, by=current_user)
    return render_template("admin/one_time_password.html", user=user, password=password)


@blueprint.post("/users/<int:user_id>/revoke-token")
def revoke_user_token(user_id: int):
    """Revoke a person's API token (a leaked one, or someone leaving)."""
    user = get_user(work(), user_id) or abort(404)
    if revoke_api_token(work(), user, by=current_user):
        flash(f"The API token of {user.email} is revoked.", "info")
    else:
        flash(f"{user.email} has no API token.", "info")
    return redirect(url_for("admin.users"))


@blueprint.get("/audit")
def audit_log() -> str:
    """Show who did what, when, to which record, filtered by person, action, record or dates."""
    audit_filter = AuditFilter(
        user_id=request.args.get("user", type=int),
        action=request.args.get("action", ""),
        target_type=request.args.get("target", ""),
        since=_day(request.args.get("since")),
        until=_next_day(request.args.get("until")),
    )
    page = max(1, request.args.get("page", 1, type=int))
    record_event(
        work(), "audit.viewed", user_id=current_user.id, details={"filter": dict(request.args)}
    )
    users, actions, targets = get_audit_choices(work())
    return render_template(
        "admin/audit.html",
        events=get_audit_events(work(), audit_filter, page),
        users=users,
        actions=actions,
        targets=targets,
        page=page,
        args=request.args,
    )


def _day(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone() if text else None
    except ValueError:
        return None


def _next_day(text: str | None) -> datetime | None:
    day = _day(text)
    return day + timedelta(days=1) if day else None
