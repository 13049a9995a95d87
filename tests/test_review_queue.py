"""The review queue asks before it links, and the last link decision can be undone (audited,
scores recomputed as for the decision)."""
import pytest

from tracker.extensions import db
from tracker.models import AuditEvent, Person, PersonIdentifier, VotePosition, VoterReview
from tracker.services import ingest, jobs, scores

LEGISTAR = "legistar-api-json/sanjose.json"


@pytest.fixture
def recomputed(monkeypatch):
    calls = []
    monkeypatch.setattr(scores, "recompute", lambda org: calls.append(org.id) or {})
    return calls


@pytest.fixture
def queue(org, realdata):
    ingest.run_import(org, "votes", realdata / LEGISTAR, jobs.LOADERS["votes"], ingest.ImportOptions())
    liccardo = Person(organization_id=org.id, name="Sam Liccardo", sort_name="Liccardo, Sam")
    db.session.add(liccardo)
    db.session.commit()
    review = db.session.execute(db.select(VoterReview).filter_by(voter_name="Sam Liccardo")).scalar_one()
    return review, liccardo


def positions_of(person):
    return db.session.scalar(db.select(db.func.count()).select_from(VotePosition).filter_by(person_id=person.id))


def test_confirmation_names_both_sides_and_links_only_after_yes(client, login, org, queue, recomputed):
    review, liccardo = queue
    login("committee")
    page = client.post(f"/admin/review/{review.id}/link", data={"person_id": liccardo.id}).get_data(as_text=True)
    assert "<h1>Link voter Sam Liccardo to Sam Liccardo?</h1>" in page
    assert "<th scope=\"row\">Votes that will attach</th><td>2</td>" in page
    assert 'name="confirmed" value="1"' in page
    db.session.expire_all()
    assert positions_of(liccardo) == 0 and recomputed == []
    assert client.post(f"/admin/review/{review.id}/link",
                       data={"person_id": liccardo.id, "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert positions_of(liccardo) == 2 and recomputed == [org.id]


def test_undo_reverts_the_last_link_audited_and_rescored(client, login, org, queue, recomputed):
    review, liccardo = queue
    committee = login("committee")
    client.post(f"/admin/review/{review.id}/link", data={"person_id": liccardo.id, "confirmed": "1"})
    page = client.get("/admin/review").get_data(as_text=True)
    assert "Last decision: voter <strong>Sam Liccardo</strong> was linked to <strong>Sam Liccardo</strong>." in page
    assert "10 voters waiting" in page
    legistar_id = review.voter_key.split(":")[1]
    assert db.session.scalar(db.select(PersonIdentifier.person_id).filter_by(scheme="legistar", value=legistar_id)) == liccardo.id

    response = client.post(f"/admin/review/{review.id}/undo")
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.get(VoterReview, review.id)
    assert (review.status, review.resolved_person_id) == ("open", None)
    assert positions_of(liccardo) == 0
    assert db.session.scalar(db.select(PersonIdentifier).filter_by(scheme="legistar", value=legistar_id)) is None
    event = db.session.execute(db.select(AuditEvent).filter_by(action="voter_review.undone")).scalar_one()
    assert event.actor_id == committee.id and event.before["person_id"] == liccardo.id
    assert event.after == {"status": "open", "positions_detached": 2}
    assert recomputed == [org.id, org.id]  # the link, then the undo
    page = client.get("/admin/review").get_data(as_text=True)
    assert "11 voters waiting" in page and "Last decision" not in page


def test_only_the_last_decision_can_be_undone(client, login, org, queue, recomputed):
    review, liccardo = queue
    login("committee")
    client.post(f"/admin/review/{review.id}/link", data={"person_id": liccardo.id, "confirmed": "1"})
    carrasco = db.session.execute(db.select(VoterReview).filter_by(voter_name="Magdalena Carrasco")).scalar_one()
    client.post(f"/admin/review/{carrasco.id}/create", data={"name": "Magdalena Carrasco"})
    client.post(f"/admin/review/{review.id}/undo")
    db.session.expire_all()
    assert db.session.get(VoterReview, review.id).status == "resolved" and positions_of(liccardo) == 2
