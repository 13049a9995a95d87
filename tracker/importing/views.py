"""Imports of public records (committee and admin): list, upload -> preview -> background run -> report."""
import csv
import io
import uuid
from pathlib import Path

import pandas as pd

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, session,
                   url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from werkzeug.utils import secure_filename

from imports import parsers_of
from tracker.extensions import db
from tracker.i18n import money
from tracker.importing.forms import CancelForm, StartForm, UploadForm
from tracker.models import ImportRowError, ImportRun
from tracker.services import ingest, jobs
from tracker.csv_cells import neutralize
from tracker.web import owned_or_404, page_number, role_required

bp = Blueprint("importing", __name__, url_prefix="/imports")
PREVIEW_ROWS = 20
KIND_LABELS = {"votes": _l("Roll-call votes"), "people": _l("People roster (ids, names, terms)"),
               "contributions": _l("Contributions"), "committees": _l("Committees")}
# A kind of import in a sentence (lowercase; the templates' importing/_words.html says the same).
KIND_WORDS = {"votes": _l("votes"), "people": _l("people"), "contributions": _l("contributions"),
              "committees": _l("committees")}
# A run's status as the page shows it (the JSON keeps the code; status_words is for the progress script).
STATUS_WORDS = {"pending": _l("pending"), "running": _l("running"), "succeeded": _l("succeeded"),
                "rejected": _l("rejected"), "failed": _l("failed")}


# The preview's first rows, in words: per table, the columns a person checks and their headings
# (the others are the importer's bookkeeping). A table not listed shows its columns humanized.
PREVIEW_COLUMNS = {
    "contributions": [("received_on", _l("Date")), ("donor_name", _l("Donor")), ("employer", _l("Employer")),
                      ("occupation", _l("Occupation")), ("amount_cents", _l("Amount")),
                      ("recipient_committee_id", _l("To the committee")), ("receipt_kind", _l("Kind"))],
    "roll_calls": [("voted_on", _l("Date")), ("body", _l("Body")), ("motion", _l("Motion")), ("title", _l("Title")),
                   ("result", _l("Result")), ("yes_count", _l("Yes")), ("no_count", _l("No"))],
    "positions": [("voter_name", _l("Voter")), ("party", _l("Party")), ("district", _l("District")),
                  ("raw_label", _l("Vote as filed")), ("position", _l("Counted as"))],
    "people": [("name", _l("Name")), ("party", _l("Party"))],
    "identifiers": [("scheme", _l("Kind of id")), ("value", _l("Id"))],
    "terms": [("body", _l("Body")), ("office", _l("Office")), ("district", _l("District")), ("party", _l("Party")),
              ("start_on", _l("From")), ("end_on", _l("To"))],
    "committees": [("committee_id", _l("Committee id")), ("name", _l("Name")), ("party", _l("Party"))],
    "candidates": [("candidate_id", _l("Candidate id")), ("name", _l("Name")), ("party", _l("Party"))],
}
# How a vote was counted (imports.vote_options.POSITIONS), in the reader's words.
POSITION_WORDS = {"yes": _l("yes"), "no": _l("no"), "abstain": _l("abstain"), "present": _l("present"),
                  "recused": _l("recused"), "paired": _l("paired"), "not_voting": _l("not voting"),
                  "absent": _l("absent"), "excused": _l("excused"), "not_eligible": _l("not eligible"),
                  "unknown": _l("unknown")}
TABLE_TITLES = {"contributions": _l("contributions"), "roll_calls": _l("roll calls"), "positions": _l("votes"),
                "people": _l("people"), "identifiers": _l("ids"), "terms": _l("terms of office"), "committees": _l("committees"),
                "candidates": _l("candidates"), "links": _l("candidate-committee links"), "filing_links": _l("filings")}


def preview_table(name: str, frame):
    """(heading, headings, rows) of a parsed table as a person reads it: chosen columns with
    headings in words, amounts in dollars."""
    columns = [(c, label) for c, label in PREVIEW_COLUMNS.get(name, []) if c in frame.columns]
    if not columns:
        columns = [(c, c.replace("_", " ").capitalize()) for c in frame.columns if c not in ("line", "source_line")]
    rows = []
    for record in frame[[c for c, _label in columns]].itertuples(index=False):
        cells = []
        for (column, _label), value in zip(columns, record):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = ""
            elif column == "amount_cents":
                value = money(int(value))
            elif column == "position":
                value = POSITION_WORDS.get(value, value)
            cells.append(value)
        rows.append(cells)
    return TABLE_TITLES.get(name, name.replace("_", " ")), [label for _column, label in columns], rows


COLUMN_WORDS = {column: label for columns in PREVIEW_COLUMNS.values() for column, label in columns}


def column_words(column: str | None) -> str:
    """A parsed column's name as a person reads it ("recipient_committee_id" -> "To the committee")."""
    return COLUMN_WORDS.get(column or "", (column or "").replace("_", " "))


def format_label(name: str | None, kind: str) -> str:
    """A format's name as a person reads it (its label, without a list of internal column names)."""
    for kind in [kind, *jobs.LOADERS]:
        for parser in parsers_of(kind):
            if parser.name == name:
                label = parser.label
                if "(" in label and ("_" in label or "README" in label):
                    label = label.split(" (")[0]
                return label
    return name or ""


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
    choices = [("auto", _("Recognize it for me (auto)"))]
    for name, found in kinds_of.items():
        kinds = _(" or ").join(str(KIND_WORDS.get(k, k)) for k, _label in found)
        label = found[0][1] if len(found) == 1 else _("%(name)s: the generic format (%(kinds)s)", name=name, kinds=kinds)
        choices.append((name, label))
    return choices


@bp.route("/")
@role_required("committee")
def index():
    ingest.fail_abandoned_runs(current_user.organization_id)
    page = db.paginate(
        db.select(ImportRun).filter_by(organization_id=current_user.organization_id)
        .order_by(ImportRun.started_at.desc(), ImportRun.id.desc()),
        page=page_number(), per_page=25, error_out=False,
    )
    return render_template("importing/index.html", page=page)


@bp.route("/upload", methods=["GET", "POST"])
@role_required("committee")
def upload():
    form = UploadForm()
    form.kind.choices = [(k, KIND_LABELS.get(k, k)) for k in jobs.LOADERS]
    form.fmt.choices = _format_choices()
    if form.validate_on_submit():
        kind, fmt = form.kind.data, form.fmt.data
        if fmt != "auto" and fmt not in {p.name for p in parsers_of(kind)}:
            form.fmt.errors.append(_("%(format)s is not a format of %(kind)s.", format=fmt, kind=str(KIND_LABELS.get(kind, kind)).lower()))
        else:
            name = secure_filename(form.file.data.filename or "") or "upload"
            token = f"{uuid.uuid4().hex}.{name[-120:]}"
            form.file.data.save(upload_dir() / token)
            session["uploads"] = (session.get("uploads", []) + [token])[-20:]
            return redirect(url_for("importing.preview", token=token, kind=kind, fmt=fmt,
                                    body=form.body.data or "", strict="1" if form.strict.data else ""))
    return render_template("importing/upload.html", form=form)


@bp.route("/preview")
@role_required("committee")
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
    result = shown.result
    tables = [preview_table(name, frame) for name, frame in shown.tables.items()]
    start = StartForm(token=token, kind=kind, fmt=result.format or fmt, body=body, strict=strict)
    return render_template("importing/preview.html", result=result, tables=tables, start=start, shown=shown,
                           cancel=CancelForm(token=token), file_name=token.split(".", 1)[1], kind=kind,
                           format_label=format_label(result.format, kind), column_words=column_words)


@bp.route("/start", methods=["POST"])
@role_required("committee")
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
@role_required("committee")
def cancel():
    form = CancelForm()
    if form.validate_on_submit():
        _own_upload(form.token.data).unlink(missing_ok=True)
        session["uploads"] = [t for t in session.get("uploads", []) if t != form.token.data]
        flash(_("Upload cancelled; nothing was imported."), "info")
    return redirect(url_for("importing.index"))


@bp.route("/<int:run_id>")
@role_required("committee")
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
@role_required("committee")
def progress(run_id: int):
    run = _own_run(run_id)
    if ingest.fail_abandoned_runs(run.organization_id, run.id):
        db.session.refresh(run)
    return jsonify({"id": run.id, "status": run.status, "status_words": str(STATUS_WORDS.get(run.status, run.status)),
                    "progress": round(ingest.progress_of(run), 4),
                    "done": run.status not in ("pending", "running"), "read": run.read_count,
                    "imported": run.imported_count, "duplicates": run.duplicate_count, "errors": run.error_count})


@bp.route("/<int:run_id>/errors.csv")
@role_required("committee")
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
