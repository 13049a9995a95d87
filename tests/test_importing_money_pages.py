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
