"""Sign in and sign out."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from tracker.accounts.forms import LoginForm, LogoutForm
from tracker.services import accounts

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        member = accounts.authenticate(form.email.data, form.password.data)
        if member is None:
            flash("That e-mail and password do not match an active account.", "error")
        else:
            login_user(member, remember=form.remember.data)
            target = request.args.get("next", "")
            # Only same-site paths: never send a member to another host after sign-in.
            if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
                target = url_for("main.home")
            flash(f"Signed in as {member.name}.", "info")
            return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        logout_user()
        flash("Signed out.", "info")
    return redirect(url_for("main.home"))
