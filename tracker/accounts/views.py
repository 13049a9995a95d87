"""Sign in and sign out, and a member's own password."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.accounts.forms import ChangePasswordForm, LoginForm, LogoutForm
from tracker.limits import failed_sign_in, limiter, login_limit
from tracker.services import accounts
from tracker.web import same_site_path

bp = Blueprint("accounts", __name__)


def _sign_in(member, remember: bool) -> None:
    """A new sign-in (new token) for this device, replacing the one it had; the session and
    remember-me cookies carry it."""
    if current_user.is_authenticated:
        accounts.end_session(current_user.session_token)
    accounts.start_session(member, current_app.config["REMEMBER_COOKIE_DURATION"])
    login_user(member, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_sign_in)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        member = accounts.authenticate(form.email.data, form.password.data)
        if member is None:
            flash(_("That e-mail and password do not match an active account."), "error")
        else:
            _sign_in(member, remember=form.remember.data)
            flash(_("Signed in as %(name)s.", name=member.name), "info")
            # Without a next, a member lands on their own page: what needs them.
            return redirect(same_site_path(request.args.get("next"), url_for("main.me")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.end_session(current_user.session_token)
        logout_user()
        flash(_("Signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_sign_in)  # a wrong current password counts
def change_password():
    """The member's own password: the current one is required; every other device is signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        member = current_user._get_current_object()
        try:
            accounts.change_password(member, form.current.data, form.password.data)
        except accounts.AccountError as error:
            form.current.errors.append(str(error))
        else:
            # This device stays signed in, on a new sign-in; a remember-me cookie is renewed with it.
            _sign_in(member, remember=current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies)
            flash(_("Password changed. Every other device where you were signed in is now signed out."), "info")
            return redirect(url_for("main.home"))
    return render_template("accounts/password.html", form=form)
