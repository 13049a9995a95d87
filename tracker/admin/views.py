"""Administration: members and roles."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.admin.forms import AddMemberForm, RoleForm
from tracker.extensions import db
from tracker.i18n import role_name
from tracker.models import AuditEvent, Member
from tracker.services import accounts
from tracker.web import owned_or_404, page_number, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@role_required("admin")
def index():
    return redirect(url_for("admin.members"))


@bp.route("/members", methods=["GET", "POST"])
@role_required("admin")
def members():
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            member = accounts.create_member(current_user.organization, form.email.data, form.name.data,
                                            form.password.data, form.role.data, actor=current_user)
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Added %(name)s as %(role)s.", name=member.name, role=role_name(member.role)), "info")
            return redirect(url_for("admin.members"))
    rows = db.session.execute(
        db.select(Member).filter_by(organization_id=current_user.organization_id).order_by(Member.name)
    ).scalars().all()
    return render_template("admin/members.html", form=form, members=rows, role_form=RoleForm)


@bp.route("/members/<int:member_id>/role", methods=["POST"])
@role_required("admin")
def change_role(member_id: int):
    member = owned_or_404(Member, member_id)
    form = RoleForm()
    if form.validate_on_submit():
        if member.id == current_user.id and form.role.data != "admin":
            flash(_("You cannot take the admin role from yourself; ask another admin."), "error")
        else:
            accounts.change_role(member, form.role.data, actor=current_user)
            flash(_("%(name)s is now %(role)s.", name=member.name, role=role_name(member.role)), "info")
    return redirect(url_for("admin.members"))


@bp.route("/audit")
@role_required("admin")
def audit_log():
    page = db.paginate(
        db.select(AuditEvent).filter_by(organization_id=current_user.organization_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()),
        page=page_number(), per_page=50, error_out=False,
    )
    return render_template("admin/audit.html", page=page)


from tracker.admin import review  # noqa: E402,F401  (the review queue's routes, on this blueprint)
from tracker.admin import donor_lists  # noqa: E402,F401  (the donor-list pages, on this blueprint)
from tracker.admin import people  # noqa: E402,F401  (the people pages, on this blueprint)
