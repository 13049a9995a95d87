"""The program: adopted versions (public), their history and diffs; members' proposals and debate."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from tracker import program_text
from tracker.extensions import db
from tracker.models import Cosponsor, Plank, ProgramVersion, Proposal, ProposalComment
from tracker.program import words
from tracker.program.forms import ActionForm, CommentForm, ProposalForm
from tracker.services import ballots as ballot_service
from tracker.services import program as program_service
from tracker.services import proposals as proposal_service
from tracker.web import current_organization, owned_or_404, role_required

bp = Blueprint("program", __name__, url_prefix="/program")
EXPORTS = {"md": ("markdown", "text/markdown"), "json": ("json", "application/json"), "txt": (None, "text/plain")}
TIER_HEADINGS = {"minimum": _l("Minimum program: near-term demands"),
                 "maximum": _l("Maximum program: transformative goals")}
words.register(bp)


def _is_member() -> bool:
    return current_user.is_authenticated


def _version_or_404(number: int) -> ProgramVersion:
    org = current_organization()
    version = program_service.version_by_number(org.id, number) if org else None
    # Drafts are the members' work in progress; adopted and superseded versions are public.
    if version is None or (version.status == "draft" and not _is_member()):
        abort(404)
    return version


def _sections(version: ProgramVersion) -> list[tuple[str, str, list[tuple[str, list[Plank]]]]]:
    """Planks as the page shows them: by tier (minimum, then maximum), then by category in the
    order categories first appear; each plank with its printed, numbered lines."""
    sections = []
    for tier in ("minimum", "maximum"):
        categories: dict[str, list] = {}
        for plank in version.planks:
            if plank.tier == tier:
                categories.setdefault(plank.category, []).append((plank, program_text.numbered_lines(plank.body)))
        if categories:
            sections.append((tier, TIER_HEADINGS[tier], list(categories.items())))
    return sections


def _render_version(version: ProgramVersion):
    org = current_organization()
    previous = db.session.get(ProgramVersion, version.based_on_id) if version.based_on_id else None
    draft = program_service.draft_version(org.id) if _is_member() and version.status != "draft" else None
    return render_template("program/version.html", version=version, sections=_sections(version),
                           sha256=version.text_sha256 or program_service.sha256_text(program_service.version_text(version)),
                           previous=previous, draft=draft)


@bp.route("/")
def index():
    org = current_organization()
    version = program_service.adopted_version(org.id) if org else None
    if version is None:
        draft = program_service.draft_version(org.id) if org and _is_member() else None
        return render_template("program/version.html", version=None, draft=draft, sections=[])
    return _render_version(version)


@bp.route("/versions/")
def versions():
    org = current_organization()
    if org is None:
        abort(404)
    statement = (db.select(ProgramVersion).filter_by(organization_id=org.id).options(selectinload(ProgramVersion.planks))
                 .order_by(ProgramVersion.number.desc()))
    if not _is_member():
        statement = statement.where(ProgramVersion.status != "draft")
    rows = db.session.execute(statement).scalars().all()
    by_id = {v.id: v for v in rows}
    # The proposals written into each version, for members: one query for all versions.
    applied: dict[int, list[Proposal]] = {}
    if _is_member() and rows:
        for proposal in db.session.execute(db.select(Proposal).where(Proposal.applied_version_id.in_(list(by_id)))
                                           .order_by(Proposal.id)).scalars():
            applied.setdefault(proposal.applied_version_id, []).append(proposal)
    history = []
    for version in rows:
        previous = by_id.get(version.based_on_id)
        changes = program_service.diff(previous, version) if previous else []
        summary = program_service.diff_summary(changes)
        history.append({"version": version, "previous": previous, "summary": summary,
                        "applied": applied.get(version.id, [])})
    return render_template("program/versions.html", history=history)


@bp.route("/versions/<int:number>")
def version(number: int):
    return _render_version(_version_or_404(number))


@bp.route("/versions/<int:number>.<fmt>")
def version_export(number: int, fmt: str):
    """The version as Markdown, JSON (canonical text and its SHA-256 included) or the canonical text."""
    if fmt not in EXPORTS:
        abort(404)
    version = _version_or_404(number)
    kind, mimetype = EXPORTS[fmt]
    body = program_service.version_text(version) if kind is None else program_service.export_version(version, kind)
    response = Response(body, mimetype=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="program-v{version.number}.{fmt}"'
    return response


@bp.route("/diff")
def diff():
    org = current_organization()
    if org is None:
        abort(404)
    statement = db.select(ProgramVersion.number).filter_by(organization_id=org.id).order_by(ProgramVersion.number)
    if not _is_member():
        statement = statement.where(ProgramVersion.status != "draft")
    numbers = list(db.session.execute(statement).scalars())
    if len(numbers) < 2:
        return render_template("program/diff.html", changes=None, numbers=numbers, old=None, new=None)
    new_number = request.args.get("to", type=int) or numbers[-1]
    old_number = request.args.get("from", type=int) or max([n for n in numbers if n < new_number] or [numbers[0]])
    old, new = _version_or_404(old_number), _version_or_404(new_number)
    changes = program_service.diff(old, new)
    return render_template("program/diff.html", changes=changes, summary=program_service.diff_summary(changes),
                           numbers=numbers, old=old, new=new)


@bp.route("/planks/<int:plank_id>")
def plank(plank_id: int):
    org = current_organization()
    plank = db.get_or_404(Plank, plank_id)
    if org is None or plank.organization_id != org.id or plank.version.status == "draft":
        abort(404)
    return render_template("program/plank.html", plank=plank, lines=program_text.numbered_lines(plank.body))


# ---------------------------------------------------------------------------------------------
# Proposals (members)
# ---------------------------------------------------------------------------------------------

PROPOSAL_FILTERS = {"open": ("open",), "ballot": ("on_ballot",), "decided": ("passed", "adopted", "rejected", "withdrawn")}


@bp.route("/proposals/")
@role_required("member")
def proposals():
    org = current_user.organization
    shown = request.args.get("show", "open")
    statuses = PROPOSAL_FILTERS.get(shown, PROPOSAL_FILTERS["open"])
    counts = (db.select(Cosponsor.proposal_id, func.count().label("n")).group_by(Cosponsor.proposal_id).subquery())
    comments = (db.select(ProposalComment.proposal_id, func.count().label("n"))
                .group_by(ProposalComment.proposal_id).subquery())
    rows = db.session.execute(
        db.select(Proposal, func.coalesce(counts.c.n, 0), func.coalesce(comments.c.n, 0))
        .outerjoin(counts, counts.c.proposal_id == Proposal.id).outerjoin(comments, comments.c.proposal_id == Proposal.id)
        .where(Proposal.organization_id == org.id, Proposal.status.in_(statuses))
        .options(selectinload(Proposal.proposed_by))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())).all()
    rules = ballot_service.settings(org)
    return render_template("program/proposals.html", rows=rows, shown=shown, needed=int(rules["cosponsors_needed"]),
                           committee=current_user.has_role("committee"))


def _plank_choices(version):
    return [SelectChoice(p.id, f"{p.position}. {p.title}") for p in (version.planks if version else [])]


@bp.route("/proposals/new", methods=["GET", "POST"])
@role_required("member")
def new_proposal():
    org = current_user.organization
    version = program_service.adopted_version(org.id)
    form = ProposalForm()
    form.target_plank.choices = [SelectChoice(0, "—")] + _plank_choices(version)
    if request.method == "GET" and request.args.get("plank", type=int):
        form.target_plank.data = request.args.get("plank", type=int)
        form.kind.data = request.args.get("kind", "amendment")
    if form.validate_on_submit():
        target = db.session.get(Plank, form.target_plank.data) if form.target_plank.data else None
        if target is not None and target.organization_id != org.id:
            target = None
        try:
            proposal = proposal_service.propose(
                org, current_user, kind=form.kind.data, title=form.title.data or "", body=form.body.data or "",
                target_plank=target, category=form.category.data or None, tier=form.tier.data or None,
                rationale=form.rationale.data or "", line_from=form.line_from.data, line_to=form.line_to.data)
        except proposal_service.ProposalError as error:
            form.kind.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your proposal is open: ask other members to co-sponsor it."), "info")
            return redirect(url_for("program.proposal", proposal_id=proposal.id))
    planks = {p.id: (p, program_text.numbered_lines(p.body)) for p in (version.planks if version else [])}
    return render_template("program/new_proposal.html", form=form, version=version, planks=planks)


@bp.route("/proposals/<int:proposal_id>")
@role_required("member")
def proposal(proposal_id: int):
    proposal = owned_or_404(Proposal, proposal_id)
    org = current_user.organization
    target = proposal.target_plank
    change = None
    if proposal.kind != "new_plank" and target is not None:
        new_body = "" if proposal.kind == "repeal" else proposal.body
        change = {"title": program_text.word_diff(target.title, proposal.title if proposal.kind != "repeal" else ""),
                  "body": program_text.word_diff(target.body, new_body),
                  "lines": program_text.numbered_lines(target.body)}
    cosponsors = db.session.execute(db.select(Cosponsor).filter_by(proposal_id=proposal.id)
                                    .options(selectinload(Cosponsor.member)).order_by(Cosponsor.created_at)).scalars().all()
    comments = db.session.execute(db.select(ProposalComment).filter_by(proposal_id=proposal.id)
                                  .options(selectinload(ProposalComment.member)).order_by(ProposalComment.id)).scalars().all()
    replies: dict[int | None, list] = {}
    for comment in comments:
        replies.setdefault(comment.parent_id, []).append(comment)
    rendered = {comment.id: proposal_service.render_markdown(comment.body) for comment in comments}
    rules = ballot_service.settings(org)
    competing = []
    if proposal.target_plank_key and proposal.status == "open":
        competing = db.session.execute(db.select(Proposal).where(
            Proposal.organization_id == org.id, Proposal.target_plank_key == proposal.target_plank_key,
            Proposal.status == "open", Proposal.id != proposal.id)).scalars().all()
    return render_template("program/proposal.html", proposal=proposal, change=change, cosponsors=cosponsors,
                           replies=replies, rendered=rendered, needed=int(rules["cosponsors_needed"]),
                           mine=any(c.member_id == current_user.id for c in cosponsors), competing=competing,
                           action=ActionForm(), comment_form=CommentForm(),
                           rationale=proposal_service.render_markdown(proposal.rationale or ""))


def _proposal_action(proposal_id: int, do, done: str):
    proposal = owned_or_404(Proposal, proposal_id)
    if ActionForm().validate_on_submit():
        try:
            do(proposal)
        except proposal_service.ProposalError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(done, "info")
    return redirect(url_for("program.proposal", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/cosponsor", methods=["POST"])
@role_required("member")
def cosponsor(proposal_id: int):
    return _proposal_action(proposal_id, lambda p: proposal_service.cosponsor(p, current_user),
                            _("You co-sponsor this proposal."))


@bp.route("/proposals/<int:proposal_id>/uncosponsor", methods=["POST"])
@role_required("member")
def uncosponsor(proposal_id: int):
    return _proposal_action(proposal_id, lambda p: proposal_service.withdraw_cosponsorship(p, current_user),
                            _("You no longer co-sponsor this proposal."))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@role_required("member")
def withdraw(proposal_id: int):
    return _proposal_action(proposal_id, lambda p: proposal_service.withdraw(p, current_user),
                            _("Your proposal is withdrawn."))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@role_required("member")
def comment(proposal_id: int):
    proposal = owned_or_404(Proposal, proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent = None
        if form.parent_id.data:
            parent = db.session.get(ProposalComment, int(form.parent_id.data)) if form.parent_id.data.isdigit() else None
        try:
            row = proposal_service.comment(proposal, current_user, form.body.data, parent=parent)
        except proposal_service.ProposalError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            return redirect(url_for("program.proposal", proposal_id=proposal.id, _anchor=f"comment-{row.id}"))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("program.proposal", proposal_id=proposal.id))
