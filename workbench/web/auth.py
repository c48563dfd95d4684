"""Signing in and out, and a person's own account: password and API token."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from workbench.services.accounts import (
    AccountError,
    change_password,
    issue_api_token,
    set_time_zone,
    sign_in,
    sign_out,
)
from workbench.web.errors import show_on_form
from workbench.web.forms.accounts import LoginForm, PasswordChangeForm, TimeZoneForm
from workbench.web.security import new_session_id, safe_next, sign_in_throttle, start_session
from workbench.web.time_zones import server_zone
from workbench.web.unit import work

blueprint = Blueprint("auth", __name__)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; the same answer for an unknown email or a wrong password.

    Failures are counted per account (with backoff) and per client address (services/throttle.py).
    """
    form = LoginForm()
    next_page = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        new_session_id()
        try:
            user = sign_in(work(), form.email.data, form.password.data, sign_in_throttle())
        except AccountError as error:
            flash(error.message, "error")
            return render_template("auth/login.html", form=form), error.status
        start_session(user)
        return redirect(next_page or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
def logout():
    """Sign out here and everywhere else: the session nonce changes and the API token ends."""
    sign_out(work(), current_user)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
def account():
    """Show the person's account; change the password (which signs out every other session)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(
                work(),
                current_user,
                form.current_password.data,
                form.new_password.data,
                sign_in_throttle(),
            )
        except AccountError as error:
            show_on_form(form, error, "new_password")
            return _account_page(form), error.status
        start_session(current_user)
        flash("Password changed. Every other session of yours has been signed out.", "info")
        return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return _account_page(form), status


@blueprint.post("/account/token")
def new_api_token():
    """Issue a new API token (shown once) and revoke the old one."""
    token = issue_api_token(work(), current_user, current_app.config["WORKBENCH_API_TOKEN_DAYS"])
    return _account_page(PasswordChangeForm(formdata=None), token=token)


@blueprint.post("/account/time-zone")
def time_zone():
    """Set the zone the person types and reads times in."""
    form = _time_zone_form()
    if form.validate_on_submit():
        set_time_zone(work(), current_user, form.time_zone.data)
        flash(f"Times are now shown in {form.time_zone.data or 'the server’s time zone'}.", "info")
        return redirect(url_for("auth.account"))
    return _account_page(PasswordChangeForm(formdata=None), zone_form=form), 422


def _time_zone_form(**kwargs) -> TimeZoneForm:
    return TimeZoneForm(str(server_zone()), prefix="zone", **kwargs)


def _account_page(
    form: PasswordChangeForm, token: str | None = None, zone_form: TimeZoneForm | None = None
) -> str:
    zone_form = zone_form or _time_zone_form(
        formdata=None, data={"time_zone": current_user.time_zone or ""}
    )
    return render_template("auth/account.html", form=form, token=token, zone_form=zone_form)
