"""The shared import pipeline (tracker/services/ingest.py) with the generic vote CSV."""
from tracker.extensions import db
from tracker.models import ImportRowError, ImportRun, RollCall
from tracker.services import ingest
from tracker.services.votes import VoteLoader

CSV = ("body,date,motion_id,title,result,person,option\n"
       "Council,2024-01-01,M-1,Rent,passed,Ann Jones,Aye\n"
       "Council,2024-01-01,M-1,Rent,passed,Bob Smith,No\n")


def csv_file(tmp_path, text=CSV, name="votes.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_progress_is_reported_and_stored(app, org, tmp_path):
    seen = []
    result = ingest.run_import(org, "votes", csv_file(tmp_path), VoteLoader,
                               ingest.ImportOptions(on_progress=seen.append))
    assert result.status == "succeeded"
    assert seen and all(0 < f <= 1 for f in seen)
    run = db.session.get(ImportRun, result.run_id)
    assert (run.progress, run.status, run.format) == (1.0, "succeeded", "csv")
    assert ingest.progress_of(run) == 1.0 and run.id not in ingest.PROGRESS


def test_progress_of_a_run_in_another_process_is_read_from_its_own_row(app, org, tmp_path):
    """A web worker polls an import an RQ worker runs: the progress lives in ImportProgress, a row
    the import's own foreign-key checks never touch (the ImportRun row stays as it was)."""
    from tracker.models import ImportProgress

    run = ingest.create_run(org, "votes", csv_file(tmp_path), ingest.ImportOptions(), "csv")
    run.status = "running"
    db.session.add(ImportProgress(import_run_id=run.id, progress=0.0))
    db.session.commit()
    ingest.set_progress(run, 0.25)
    ingest.PROGRESS.pop(run.id)  # as seen from another process
    db.session.expire_all()
    stored = db.session.get(ImportProgress, run.id).progress
    if app.config["DB_KIND"] == "postgresql":
        assert stored == 0.25  # written through its own connection, committed at once
    else:
        assert stored == 0.0  # SQLite has one writer: the run's row gets 1.0 when it ends
    assert ingest.progress_of(run) == stored and run.progress == 0.0


def test_a_file_no_parser_recognizes_is_rejected_and_recorded(app, org, tmp_path):
    path = csv_file(tmp_path, "something,else\n1,2\n", "other.csv")
    result = ingest.run_import(org, "votes", path, VoteLoader)
    assert result.status == "rejected" and result.format is None
    assert "other.csv: not a votes format we recognize" in result.message
    run = db.session.get(ImportRun, result.run_id)
    assert (run.status, run.error_count) == ("rejected", 1)


def test_unknown_format_name_is_rejected_with_the_choices(app, org, tmp_path):
    result = ingest.run_import(org, "votes", csv_file(tmp_path), VoteLoader, ingest.ImportOptions(fmt="no-such"))
    assert result.status == "rejected" and "unknown votes format 'no-such'" in result.message and "house-xml" in result.message


def test_dry_run_keeps_no_run_and_no_rows(app, org, tmp_path):
    result = ingest.run_import(org, "votes", csv_file(tmp_path), VoteLoader, ingest.ImportOptions(dry_run=True))
    assert (result.status, result.imported, result.run_id) == ("dry_run", 2, None)
    assert db.session.execute(db.select(db.func.count()).select_from(ImportRun)).scalar() == 0
    assert db.session.execute(db.select(db.func.count()).select_from(RollCall)).scalar() == 0


def test_database_error_part_way_rolls_back_everything(app, org, tmp_path, monkeypatch):
    original = VoteLoader.write

    def write_then_fail(self, batch, context):
        original(self, batch, context)
        db.session.execute(db.insert(RollCall), [{"organization_id": org.id, "body_id": None, "voted_on": None,
                                                  "source": "x", "source_id": "broken"}])  # NOT NULL violation
        return 0, 0

    monkeypatch.setattr(VoteLoader, "write", write_then_fail)
    result = ingest.run_import(org, "votes", csv_file(tmp_path), VoteLoader)
    assert result.status == "failed" and "IntegrityError" in result.message
    assert db.session.execute(db.select(db.func.count()).select_from(RollCall)).scalar() == 0
    run = db.session.get(ImportRun, result.run_id)
    assert run.status == "failed" and run.imported_count == 0


def test_malformed_csv_row_is_kept_with_its_line_and_raw_text(app, org, tmp_path):
    path = csv_file(tmp_path, CSV + "Council,2024-01-01,M-1\n" + "Council,2024-01-01,M-1,Rent,passed,Cy Lee,Aye\n")
    result = ingest.run_import(org, "votes", path, VoteLoader)
    assert (result.status, result.read, result.imported) == ("succeeded", 4, 3)
    [error] = db.session.execute(db.select(ImportRowError)).scalars().all()
    assert (error.line, error.raw, error.message) == (4, "Council,2024-01-01,M-1", "expected 7 fields, found 3")
