"""The parsers through the shared ingest pipeline (on SQLite and PostgreSQL), with a loader that
only counts rows: format auto-detection, ImportRun outcome, notes, strict, folders."""
import json
import shutil
from pathlib import Path

from imports.base import file_sha256
from tracker.extensions import db
from tracker.models.imports import ImportRun
from tracker.services.ingest import ImportOptions, run_import

FIXTURES = Path(__file__).parent / "fixtures"


class CountingLoader:
    """Counts the rows a real loader would write; writes nothing itself."""

    def __init__(self, context):
        self.seen = []

    def write(self, batch, context):
        self.seen.append(batch)
        rows = sum(len(df) for df in batch.tables.values())
        return rows, 0


def test_house_xml_auto_detected_and_recorded(app, org, realdata):
    result = run_import(org, "votes", realdata / "house-clerk-rollcall-xml/roll240_2025.xml", CountingLoader)
    assert (result.status, result.format, result.read, result.imported) == ("succeeded", "house-xml", 431, 431)
    run = db.session.get(ImportRun, result.run_id)
    assert (run.status, run.format, run.read_count, run.error_count) == ("succeeded", "house-xml", 431, 0)
    assert run.file_sha256 == "0297b0c76d3c14452a91daf9828943e5669c00dcc408c07bc80870b9d8223542"


def test_unknown_label_note_reaches_the_report(app, org):
    result = run_import(org, "votes", FIXTURES / "legistar/nyc_style_labels.json", CountingLoader)
    assert result.status == "succeeded" and result.format == "legistar"
    [note] = result.report["notes"]
    assert note.startswith("line ") and note.endswith(': unknown label "Hold" on roll call legistar-32035')


def test_strict_rejects_a_file_with_a_bad_row(app, org, realdata, tmp_path):
    events = json.loads((realdata / "legistar-api-json/sanjose.json").read_text())
    next(i for i in events[0]["items"] if i["EventItemId"] == 32040)["Votes"][0]["VoteValueName"] = None
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(events, indent=2))
    lenient = run_import(org, "votes", path, CountingLoader)
    assert (lenient.status, lenient.imported, len(lenient.errors)) == ("succeeded", 2 + 21, 1)
    strict = run_import(org, "votes", path, CountingLoader, ImportOptions(strict=True))
    assert (strict.status, strict.imported) == ("rejected", 0)
    assert "strict mode rejects the whole file" in strict.message


def test_truncated_xml_is_rejected_with_its_line(app, org, realdata, tmp_path):
    path = tmp_path / "roll240.xml"
    path.write_bytes((realdata / "house-clerk-rollcall-xml/roll240_2025.xml").read_bytes()[:40000])
    result = run_import(org, "votes", path, CountingLoader, ImportOptions(fmt="house-xml"))
    assert result.status == "rejected" and "truncated" in result.message
    assert result.errors[-1].line is not None


def test_folder_of_a_multi_file_format(app, org, tmp_path):
    folder = tmp_path / "ca"
    shutil.copytree(FIXTURES / "ocd_csv", folder)
    result = run_import(org, "votes", folder, CountingLoader)
    assert (result.status, result.format, result.imported) == ("succeeded", "ocd-csv", 3 + 12)
    run = db.session.get(ImportRun, result.run_id)
    assert run.file_sha256 == file_sha256(folder) != file_sha256(folder / "CA_20252026_votes.csv")


def test_people_roster(app, org, realdata):
    result = run_import(org, "people", realdata / "congress-legislators/legislators-current-CA-VT.yaml", CountingLoader)
    assert (result.status, result.format, result.read) == ("succeeded", "congress-legislators-yaml", 56)
    assert result.imported == 56 + 697 + 360
