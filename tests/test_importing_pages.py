"""The import pages: upload -> preview -> background run (thread, RQ) -> report; review queue."""
import io
import uuid

import pytest

from tracker.extensions import db
from tracker.models import AuditEvent, ImportRun, Person, VotePosition, VoterReview
from tracker.services import ingest, jobs

HOUSE_XML = "house-clerk-rollcall-xml/roll240_2025.xml"
LEGISTAR = "legistar-api-json/sanjose.json"
BAD_CSV = ("body,date,motion_id,title,result,person,option\n"
           "Council,2024-01-01,M-1,Rent,passed,Ann Jones,Aye\n"
           "Council,01/02/2024,M-1,Rent,passed,=cmd(),Aye\n"
           "Council,2024-01-01,M-1,Rent,passed,Cy Lee,Hold\n")


def upload(client, data: bytes, name: str, kind="votes", fmt="auto", **extra):
    return client.post("/imports/upload", data={"kind": kind, "fmt": fmt, "file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def preview_url(response):
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"]


def start(client, preview_html: str):
    """Submit the preview page's Import form with its hidden fields."""
    import re
    fields = dict(re.findall(r'name="(token|kind|fmt|body|strict)" type="hidden" value="([^"]*)"', preview_html))
    fields.update(dict(re.findall(r'id="(token|kind|fmt|body|strict)" name="\1" type="hidden" value="([^"]*)"', preview_html)))
    return client.post("/imports/start", data=fields)


def wait_for(run_id: int) -> ImportRun:
    jobs.THREADS[run_id].join(timeout=60)
    db.session.expire_all()
    return db.session.get(ImportRun, run_id)


def test_upload_preview_then_background_import_and_report(app, client, login, realdata):
    login("admin")
    page = client.get("/imports/upload")
    assert b"Upload a file" in page.data and b'<option value="house-xml">' in page.data
    response = upload(client, (realdata / HOUSE_XML).read_bytes(), "roll240_2025.xml")
    preview = client.get(preview_url(response))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Detected format: <strong>U.S. House Clerk roll-call XML</strong>" in html
    assert "None of the votes in this file are by anyone on file yet." in html
    assert '<th scope="row">New records</th><td class="num">430</td>' in html
    assert "Nothing has been written yet" in html
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar() == 0

    started = start(client, html)
    assert started.status_code == 302
    run_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    run = wait_for(run_id)
    assert (run.status, run.format, run.imported_count, run.file_name) == ("succeeded", "house-xml", 430, "roll240_2025.xml")
    progress = client.get(f"/imports/{run_id}/progress.json").get_json()
    assert progress["done"] is True and progress["progress"] == 1.0 and progress["imported"] == 430
    report = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "<progress" not in report and "Voters waiting for review" in report
    listing = client.get("/imports/").get_data(as_text=True)
    assert f"/imports/{run_id}" in listing


def test_running_import_page_shows_progress_bar_and_noscript_refresh(app, client, login, org, realdata):
    login("admin")
    run = ingest.create_run(org, "votes", realdata / HOUSE_XML, ingest.ImportOptions(), "house-xml")
    html = client.get(f"/imports/{run.id}").get_data(as_text=True)
    assert '<progress id="import-bar" max="1" value="0.0">' in html
    assert '<meta http-equiv="refresh" content="3">' in html and "import_progress.js" in html
    progress = client.get(f"/imports/{run.id}/progress.json").get_json()
    assert progress["done"] is False and (progress["status"], progress["status_words"]) == ("pending", "pending")
    client.get("/language/es")
    assert client.get(f"/imports/{run.id}/progress.json").get_json()["status_words"] == "pendiente"


def test_bad_rows_listed_with_lines_and_downloadable(app, client, login):
    login("admin")
    html = client.get(preview_url(upload(client, BAD_CSV.encode(), "council.csv"))).get_data(as_text=True)
    assert "Detected format: <strong>Generic roll-call CSV</strong>" in html and "date is not YYYY-MM-DD" in html
    run_id = int(start(client, html).headers["Location"].split("/")[-1])
    run = wait_for(run_id)
    assert (run.status, run.imported_count, run.error_count) == ("succeeded", 2, 1)
    page = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Council,01/02/2024,M-1,Rent,passed,=cmd(),Aye" in page
    assert "Hold" in page  # the unrecognised label is listed with its line
    errors = client.get(f"/imports/{run_id}/errors.csv")
    assert errors.mimetype == "text/csv"
    assert errors.get_data(as_text=True).splitlines() == [
        "line,field,message,raw", "3,date,date is not YYYY-MM-DD,\"Council,01/02/2024,M-1,Rent,passed,=cmd(),Aye\""]


def test_rejected_file_preview_offers_no_import(app, client, login):
    login("admin")
    html = client.get(preview_url(upload(client, b"\xff\xfe garbage", "x.csv"))).get_data(as_text=True)
    assert "cannot be imported" in html and "Import</button>" not in html


def test_wrong_format_for_kind_is_refused(app, client, login, realdata):
    login("admin")
    response = upload(client, b"a,b\n", "x.csv", kind="people", fmt="house-xml")
    assert response.status_code == 200 and b"is not a format of people roster" in response.data


def test_cancel_deletes_the_upload(app, client, login, realdata):
    login("admin")
    location = preview_url(upload(client, BAD_CSV.encode(), "council.csv"))
    token = location.split("token=")[1].split("&")[0]
    path = jobs_upload_path(app, token)
    assert path.exists()
    assert client.post("/imports/cancel", data={"token": token}).status_code == 302
    assert not path.exists()
    assert db.session.execute(db.select(db.func.count()).select_from(ImportRun)).scalar() == 0


def jobs_upload_path(app, token):
    from pathlib import Path
    return Path(app.instance_path) / "uploads" / token


def test_someone_elses_upload_token_is_refused(app, client, login):
    login("admin")
    token = f"{uuid.uuid4().hex}.votes.csv"
    assert client.get(f"/imports/preview?token={token}&kind=votes").status_code == 404


@pytest.mark.parametrize("url", ["/imports/", "/imports/upload", "/admin/review"])
def test_pages_are_for_the_committee_and_admins(app, client, login, url):
    login("member")
    assert client.get(url).status_code == 403
    client.post("/logout")
    login("committee")
    assert client.get(url).status_code == 200


def test_upload_needs_csrf_and_respects_size_limit(make_app, realdata):
    from tests.factories import PASSWORD, make_member, make_org
    app = make_app(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=50_000)
    with app.app_context():
        client = app.test_client()
        member = make_member(make_org(), role="admin")
        page = client.get("/login").get_data(as_text=True)
        import re
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": member.email, "password": PASSWORD, "csrf_token": token})
        no_token = client.post("/imports/upload", data={"kind": "votes", "fmt": "auto",
                                                        "file": (io.BytesIO(b"x"), "x.csv")}, content_type="multipart/form-data")
        assert no_token.status_code in (200, 400) and b"/imports/preview" not in no_token.data
        assert client.post("/imports/start", data={"token": "x"}).status_code == 400
        big = client.post("/imports/upload", data={"kind": "votes", "fmt": "auto", "csrf_token": token,
                                                   "file": ((realdata / HOUSE_XML).open("rb"), "roll240_2025.xml")},
                          content_type="multipart/form-data")
        assert big.status_code == 413


def test_rq_path_enqueues_and_a_worker_runs_the_import(app, org, realdata, tmp_path):
    from redis import Redis
    from rq import Queue, SimpleWorker

    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    app.config["RQ_QUEUE"] = f"test-imports-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "roll240.xml"
    path.write_bytes((realdata / HOUSE_XML).read_bytes())
    run = ingest.create_run(org, "votes", path, ingest.ImportOptions(), None)
    how = jobs.start(run.id, str(path))
    assert how.startswith("rq:")
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    run = db.session.get(ImportRun, run.id)
    assert (run.status, run.format, run.imported_count) == ("succeeded", "house-xml", 430)
    queue.delete(delete_jobs=True)


def test_review_queue_links_and_creates_people_in_the_browser(app, client, login, org, realdata):
    admin = login("admin")
    result = ingest.run_import(org, "votes", realdata / LEGISTAR, jobs.LOADERS["votes"], ingest.ImportOptions())
    assert result.report["unmatched_voters"] == 11
    liccardo = Person(organization_id=org.id, name="Sam Liccardo", sort_name="Liccardo, Sam")
    db.session.add(liccardo)
    db.session.commit()

    page = client.get("/admin/review?q=Liccardo").get_data(as_text=True)
    assert "11 voters waiting" in page and "Sam Liccardo" in page and "Magdalena Carrasco" in page
    review = db.session.execute(db.select(VoterReview).filter_by(voter_name="Sam Liccardo")).scalar_one()
    assert f'<option value="{liccardo.id}">Sam Liccardo</option>' in page
    assert '<option value="" selected>Choose a person…</option>' in page  # nobody pre-selected
    response = client.post(f"/admin/review/{review.id}/link", data={"person_id": liccardo.id})
    assert response.status_code == 200 and "Link voter Sam Liccardo to Sam Liccardo?" in response.get_data(as_text=True)
    assert db.session.get(VoterReview, review.id).status == "open"  # asked, not linked
    response = client.post(f"/admin/review/{review.id}/link", data={"person_id": liccardo.id, "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition).filter_by(person_id=liccardo.id)).scalar() == 2
    assert db.session.get(VoterReview, review.id).status == "resolved"
    assert any(i.scheme == "legistar" and i.value == review.voter_key.split(":")[1] for i in liccardo.identifiers)

    carrasco = db.session.execute(db.select(VoterReview).filter_by(voter_name="Magdalena Carrasco")).scalar_one()
    client.post(f"/admin/review/{carrasco.id}/create", data={"name": "Magdalena Carrasco"})
    db.session.expire_all()
    person = db.session.execute(db.select(Person).filter_by(name="Magdalena Carrasco")).scalar_one()
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition).filter_by(person_id=person.id)).scalar() == 2
    actions = db.session.execute(db.select(AuditEvent.action, AuditEvent.actor_id)).all()
    assert ("voter_review.linked", admin.id) in actions and ("voter_review.created", admin.id) in actions
    assert "9 voters waiting" in client.get("/admin/review").get_data(as_text=True)
    # Re-importing the file attaches the linked voters at once (the decision is remembered).
    again = ingest.run_import(org, "votes", realdata / LEGISTAR, jobs.LOADERS["votes"], ingest.ImportOptions())
    assert again.imported == 0


def test_review_link_rejects_a_person_of_another_organization(app, client, login, org, realdata):
    from tests.factories import make_org, make_person
    login("admin")
    ingest.run_import(org, "votes", realdata / LEGISTAR, jobs.LOADERS["votes"], ingest.ImportOptions())
    stranger = make_person(make_org(), "Sam Liccardo")
    db.session.commit()
    review = db.session.execute(db.select(VoterReview).filter_by(voter_name="Sam Liccardo")).scalar_one()
    client.post(f"/admin/review/{review.id}/link", data={"person_id": stranger.id, "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(VoterReview, review.id).status == "open"


def test_preview_says_in_words_which_officials_the_rows_reach(app, client, login, org, realdata):
    from tests.factories import make_person
    make_person(org, name="Phil Janowicz", ids={"fec_committee": "C00638478"})
    make_person(org, name="Nobody Filed")
    db.session.commit()
    login("committee")
    response = upload(client, (realdata / "fec-bulk" / "itcont.txt").read_bytes(), "itcont.txt", kind="contributions")
    html = client.get(preview_url(response)).get_data(as_text=True)
    assert "Detected format: <strong>FEC bulk: contributions from individuals (itcont)</strong>" in html
    # itcont.txt has five lines filed by Friends of Phil Janowicz (C00638478).
    assert "5 of the contributions in this file went to 1 person on file: Phil Janowicz (5)." in " ".join(html.split())
    assert '<th scope="col">Donor</th>' in html and "$35,000.00" in html  # amounts in dollars
    for internal in ("recipient_committee_id", "amount_cents", "source_key", "--", "only_tracked"):
        assert internal not in html.split("<main", 1)[1], internal


def test_the_import_pages_read_in_spanish(app, client, login, realdata):
    login("admin")
    client.get("/language/es")
    page = client.get("/imports/upload").get_data(as_text=True)
    assert "<h1>Subir un archivo</h1>" in page and "Qué contiene el archivo" in page and "Votos de votaciones nominales" in page
    assert "csv: el formato genérico (votos o personas o contribuciones)" in page
    response = upload(client, (realdata / HOUSE_XML).read_bytes(), "roll240_2025.xml")
    html = client.get(preview_url(response)).get_data(as_text=True)
    assert "Formato detectado: <strong>U.S. House Clerk roll-call XML</strong>. Todavía no se ha guardado nada." in html
    assert "Ninguno de los votos de este archivo es todavía de alguien registrado." in html
    assert '<th scope="row">Registros nuevos</th><td class="num">430</td>' in html
    assert "<caption>Primeras 20 filas: votos</caption>" in html and '<th scope="col">Votante</th>' in html
    assert "<td>sí</td>" in html and "<td>yes</td>" not in html  # how each vote was counted, in words
    assert ">Importar</button>" in html and "Nothing has been written yet" not in html
    listing = client.get("/imports/").get_data(as_text=True)
    assert "<h1>Importaciones</h1>" in listing
    client.get("/language/en")
    assert "csv: the generic format (votes or people or contributions)" in client.get("/imports/upload").get_data(as_text=True)
    html = client.get(preview_url(response)).get_data(as_text=True)
    assert "Detected format: <strong>U.S. House Clerk roll-call XML</strong>. Nothing has been written yet." in html
    assert "<caption>First 20 votes</caption>" in html and "<td>yes</td>" in html
