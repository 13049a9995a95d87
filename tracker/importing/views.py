"""Imports of public records (admin): list, upload -> preview -> background run -> report."""
import csv
import io
import uuid
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, session,
                   url_for)
from flask_login import current_user
from werkzeug.utils import secure_filename

from imports import parsers_of
from tracker.extensions import db
from tracker.importing.forms import CancelForm, StartForm, UploadForm
from tracker.models import ImportRowError, ImportRun
from tracker.services import ingest, jobs
from tracker.csv_cells import neutralize
from tracker.web import owned_or_404, page_number, role_required

bp = Blueprint("importing", __name__, url_prefix="/imports")
PREVIEW_ROWS = 20
KIND_LABELS = {"votes": "Roll-call votes", "people": "People roster (ids, names, terms)",
               "contributions": "Contributions", "committees": "Committees"}


def upload_dir() -> Path:
    return jobs.upload_dir()


def _own_upload(token: str) -> Path:
    """The saved upload named by ``token``, only if this session uploaded it."""
    if token not in session.get("uploads", []):
        abort(404)
    path = upload_dir() / token
    if not path.is_file():
        abort(404)
    return path


def _own_run(run_id: int) -> ImportRun:
    return owned_or_404(ImportRun, run_id)


def _format_choices():
    """auto, then every format name once; a name two kinds share (csv) says so."""
    kinds_of: dict[str, list] = {}
    for kind in jobs.LOADERS:
        for parser in parsers_of(kind):
            kinds_of.setdefault(parser.name, []).append((kind, parser.label))
    choices = [("auto", "Recognize it for me (auto)")]
    for name, found in kinds_of.items():
        label = found[0][1] if len(found) == 1 else f"{name}: the generic format ({' or '.join(k for k, _ in found)})"
        choices.append((name, label))
    return choices


@bp.route("/")
@role_required("admin")
def index():
    ingest.fail_abandoned_runs(current_user.organization_id)
    page = db.paginate(
        db.select(ImportRun).filter_by(organization_id=current_user.organization_id)
        .order_by(ImportRun.started_at.desc(), ImportRun.id.desc()),
        page=page_number(), per_page=25, error_out=False,
    )
    return render_template("importing/index.html", page=page)


@bp.route("/upload", methods=["GET", "POST"])
@role_required("admin")
def upload():
    form = UploadForm()
    form.kind.choices = [(k, KIND_LABELS.get(k, k)) for k in jobs.LOADERS]
    form.fmt.choices = _format_choices()
    if form.validate_on_submit():
        kind, fmt = form.kind.data, form.fmt.data
        if fmt != "auto" and fmt not in {p.name for p in parsers_of(kind)}:
            form.fmt.errors.append(f"{fmt} is not a format of {KIND_LABELS.get(kind, kind).lower()}.")
        else:
            name = secure_filename(form.file.data.filename or "") or "upload"
            token = f"{uuid.uuid4().hex}.{name[-120:]}"
            form.file.data.save(upload_dir() / token)
            session["uploads"] = (session.get("uploads", []) + [token])[-20:]
            return redirect(url_for("importing.preview", token=token, kind=kind, fmt=fmt,
                                    body=form.body.data or "", strict="1" if form.strict.data else ""))
    return render_template("importing/upload.html", form=form)


@bp.route("/preview")
@role_required("admin")
def preview():
    """Dry run of the saved upload: detected format, counts, errors, the first rows; nothing written."""
    from flask import request

    token, kind = request.args.get("token", ""), request.args.get("kind", "")
    fmt, body, strict = request.args.get("fmt", "auto"), request.args.get("body", ""), request.args.get("strict", "")
    if kind not in jobs.LOADERS:
        abort(404)
    path = _own_upload(token)
    params = {"body": body} if body else {}
    shown = ingest.preview(current_user.organization, kind, path, jobs.LOADERS[kind],
                           ingest.ImportOptions(fmt=fmt, strict=bool(strict), params=params, actor=current_user),
                           limit=current_app.config["IMPORT_PREVIEW_BYTES"], rows=PREVIEW_ROWS)
    result, tables = shown.result, shown.tables
    start = StartForm(token=token, kind=kind, fmt=result.format or fmt, body=body, strict=strict)
    return render_template("importing/preview.html", result=result, tables=tables, start=start, shown=shown,
                           cancel=CancelForm(token=token), file_name=token.split(".", 1)[1], kind=kind)


@bp.route("/start", methods=["POST"])
@role_required("admin")
def start():
    form = StartForm()
    if not form.validate_on_submit() or form.kind.data not in jobs.LOADERS:
        abort(400)
    path = _own_upload(form.token.data)
    params = {"body": form.body.data} if form.body.data else {}
    options = ingest.ImportOptions(fmt=form.fmt.data, strict=bool(form.strict.data), actor=current_user, params=params)
    run = ingest.create_run(current_user.organization, form.kind.data, path, options, form.fmt.data,
                            display_name=form.token.data.split(".", 1)[1])
    jobs.start(run.id, str(path), form.fmt.data, bool(form.strict.data), params, current_user.id, remove_file=True)
    session["uploads"] = [t for t in session.get("uploads", []) if t != form.token.data]
    return redirect(url_for("importing.run", run_id=run.id))


@bp.route("/cancel", methods=["POST"])
@role_required("admin")
def cancel():
    form = CancelForm()
    if form.validate_on_submit():
        _own_upload(form.token.data).unlink(missing_ok=True)
        session["uploads"] = [t for t in session.get("uploads", []) if t != form.token.data]
        flash("Upload cancelled; nothing was imported.", "info")
    return redirect(url_for("importing.index"))


@bp.route("/<int:run_id>")
@role_required("admin")
def run(run_id: int):
    run = _own_run(run_id)
    if ingest.fail_abandoned_runs(run.organization_id, run.id):
        db.session.refresh(run)
    errors = db.paginate(db.select(ImportRowError).filter_by(import_run_id=run.id)
                         .order_by(ImportRowError.line, ImportRowError.id),
                         page=page_number(), per_page=50, error_out=False)
    return render_template("importing/run.html", run=run, errors=errors, progress=ingest.progress_of(run),
                           done=run.status not in ("pending", "running"))


@bp.route("/<int:run_id>/progress.json")
@role_required("admin")
def progress(run_id: int):
    run = _own_run(run_id)
    if ingest.fail_abandoned_runs(run.organization_id, run.id):
        db.session.refresh(run)
    return jsonify({"id": run.id, "status": run.status, "progress": round(ingest.progress_of(run), 4),
                    "done": run.status not in ("pending", "running"), "read": run.read_count,
                    "imported": run.imported_count, "duplicates": run.duplicate_count, "errors": run.error_count})


@bp.route("/<int:run_id>/errors.csv")
@role_required("admin")
def errors_csv(run_id: int):
    run = _own_run(run_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "field", "message", "raw"])
    for error in db.session.execute(db.select(ImportRowError).filter_by(import_run_id=run.id)
                                    .order_by(ImportRowError.line, ImportRowError.id)).scalars():
        writer.writerow([error.line or "", neutralize(error.field or ""), neutralize(error.message), neutralize(error.raw or "")])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=import-{run.id}-errors.csv"})
