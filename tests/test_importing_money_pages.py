"""Money files through the same upload page: committees first, then receipts, classified."""
from tests.test_importing_pages import preview_url, start, upload, wait_for
from tracker.extensions import db
from tracker.models import Committee, Contribution

CM = "fec-bulk/cm.txt"
ITPAS2 = "fec-bulk/itpas2.txt"


def _import(client, path, name, kind):
    response = upload(client, path.read_bytes(), name, kind=kind)
    html = client.get(preview_url(response)).get_data(as_text=True)
    assert "Nothing has been written yet" in html, html[:2000]
    started = start(client, html)
    assert started.status_code == 302, started.data[:500]
    return wait_for(int(started.headers["Location"].rstrip("/").split("/")[-1]))


def test_committee_master_then_itpas2_upload_classifies_receipts(app, client, login, realdata):
    login("admin")
    page = client.get("/imports/upload").get_data(as_text=True)
    assert 'value="contributions"' in page and 'value="committees"' in page
    committees = _import(client, realdata / CM, "cm.txt", "committees")
    assert (committees.status, committees.format) == ("succeeded", "fec-cm")
    assert db.session.execute(db.select(db.func.count()).select_from(Committee)).scalar() == 392
    receipts = _import(client, realdata / ITPAS2, "itpas2.txt", "contributions")
    assert (receipts.status, receipts.format, receipts.read_count) == ("succeeded", "fec-itpas2", 475)
    # General Dynamics PAC (ORG_TP C in cm.txt) gives as a corporate PAC, decided by the committee code.
    classes = set(db.session.execute(db.select(Contribution.donor_class, Contribution.rule)
                                     .where(Contribution.donor_committee_id == "C00078451")).all())
    assert classes == {("corporate_pac", "committee.org_tp.C")}


def test_an_amendment_upload_reports_the_lines_it_replaced_and_dropped(app, client, login, tmp_path):
    from tests.test_imports_form460 import RCPT_CD_HEADER, rcpt_cd_line

    login("admin")
    original, amended = tmp_path / "rcpt_original.tsv", tmp_path / "rcpt_amended.tsv"
    original.write_text(RCPT_CD_HEADER + rcpt_cd_line(0, "A1", "IND", "DOE", "JANE", "250.00", "3/1/2024")
                        + rcpt_cd_line(0, "A2", "OTH", "ACME BUILDERS, INC.", "", "1000.00", "3/2/2024"))
    amended.write_text(RCPT_CD_HEADER + rcpt_cd_line(1, "A1", "IND", "DOE", "JANE", "200.00", "3/1/2024"))
    assert _import(client, original, "rcpt_original.tsv", "contributions").imported_count == 2
    run = _import(client, amended, "rcpt_amended.tsv", "contributions")
    page = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert "Earlier versions replaced by an amendment</th><td class=\"num\">1<" in page
    assert "Lines an amendment no longer lists (no longer counted)</th><td class=\"num\">1<" in page
    assert "names no filer" in page  # the CAL-ACCESS note
    assert "/money/classification" in page
