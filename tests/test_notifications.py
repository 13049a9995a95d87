"""Following by e-mail and by feed (services/outbox.py, services/notifications.py, follow/views.py).

Mail goes to a real SMTP server on a loopback port (the ``smtp_sink`` fixture, aiosmtpd) and the
tests read the messages it received; feeds are read back with feedparser.
"""
import re
from datetime import date, datetime, timedelta

import feedparser
import pandas as pd
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests import money_realdata
from tests.factories import make_endorsed, make_member, make_members, make_proposal
from tests.scorecards_world import scored_world, sign_pledge
from tracker.extensions import db
from tracker.models import Alignment, Delivery, Follow, OutboxEvent, Pledge, PledgeClause
from tracker.models.base import utcnow
from tracker.services import alignments, ballots, endorsements, notifications, pledges, proposals, scores
from tracker.services import flags as flags_service

URL = re.compile(r"http://tracker\.test/\S+")


@pytest.fixture
def mail(app, smtp_sink):
    app.config.update(smtp_sink.config)
    return smtp_sink


def follow(org, email, kind, key, cadence="immediate", member=None):
    """A confirmed follow (as after its confirmation link)."""
    row = notifications.request_follow(org, email, kind, str(key), cadence=cadence, member=member)
    notifications.confirm(row)
    db.session.execute(db.delete(Delivery).where(Delivery.kind == "confirm"))
    db.session.commit()
    return row


def to(sink, address):
    return [m for m in sink.messages if m["To"] == address]


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def kinds(org):
    return [e.kind for e in db.session.execute(select(OutboxEvent).where(OutboxEvent.organization_id == org.id)
                                               .order_by(OutboxEvent.id)).scalars()]


# --- double opt-in, unsubscribe, idempotence ------------------------------------------------------

def test_follow_by_email_confirm_then_receive_then_unsubscribe_stops_mail(app, org, client, mail):
    world = scored_world(org, people=2, with_money=False)
    person = world.people[0]
    pledge, _ = sign_pledge(org, person, world.version)
    response = client.post(f"/follow/person/{person.id}", data={"email": "Reader@Example.ORG",
                                                                "cadence": "immediate", "language": "es"})
    assert response.status_code == 200 and b"Check your mail" in response.data
    assert notifications.send_due()["messages"] == 1
    (confirmation,) = mail.messages
    assert confirmation["To"] == "Reader@example.org" and confirmation["Content-Language"] == "es"
    assert "Official A" in confirmation["Subject"]
    confirm_url = next(u for u in URL.findall(text_of(confirmation)) if "/follow/confirm/" in u)
    assert confirm_url in html_of(confirmation)
    # Nothing is sent before the link is used.
    pledges.withdraw(pledge, reason="left the race")
    db.session.commit()
    assert notifications.send_due()["messages"] == 0
    assert client.get(confirm_url).status_code == 200  # a page with a button: a link scanner confirms nothing
    assert db.session.execute(select(Follow)).scalar_one().confirmed_at is None
    assert client.post(confirm_url).status_code == 200
    assert db.session.execute(select(Follow)).scalar_one().confirmed_at is not None

    flags_service.publish_due(org)  # nothing to publish: no event
    scores.recompute(org)
    other_pledge, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(other_pledge, reason="second thoughts")
    db.session.commit()
    result = notifications.send_due()
    assert result["messages"] == 1
    message = mail.messages[-1]
    assert message["Subject"] == "Compromiso de Official A retirado"  # the follower chose Spanish
    assert "second thoughts" in text_of(message)
    assert f"http://tracker.test/candidates/pledges/{other_pledge.id}" in text_of(message)
    assert f'href="http://tracker.test/candidates/pledges/{other_pledge.id}"' in html_of(message)
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text_of(message) and unsubscribe in html_of(message)
    # The event written before the confirmation was not sent later either.
    assert "left the race" not in "".join(text_of(m) for m in mail.messages)

    # One-click: the mail client POSTs the form body of RFC 8058 (no CSRF token, no session).
    response = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"Unsubscribed" in response.data
    third, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(third)
    db.session.commit()
    before = len(mail.messages)
    assert notifications.send_due()["messages"] == 0
    assert len(mail.messages) == before


def test_confirmation_link_cannot_subscribe_someone_else(app, org, client, mail):
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    victim = notifications.request_follow(org, "victim@example.org", "person", str(person.id))
    mine = notifications.request_follow(org, "me@example.org", "person", str(person.id))
    db.session.commit()
    notifications.send_due()
    assert sorted(m["To"] for m in mail.messages) == ["me@example.org", "victim@example.org"]
    my_link = next(u for u in URL.findall(text_of(to(mail, "me@example.org")[0])) if "/follow/confirm/" in u)
    token = my_link.rsplit("/", 1)[1]
    # Signed with the real key for the victim's follow but my address: refused (bound to the address).
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="follow-confirm")
    crossed = serializer.dumps({"f": victim.id, "e": "me@example.org"})
    assert client.post(f"/follow/confirm/{crossed}").status_code == 404
    # The victim's payload with my token's signature: refused.
    forged = serializer.dumps({"f": victim.id, "e": "victim@example.org"}).split(".")[0] + "." + token.split(".", 1)[1]
    assert client.post(f"/follow/confirm/{forged}").status_code == 404
    assert client.post(my_link).status_code == 200
    db.session.expire_all()
    assert db.session.get(Follow, victim.id).confirmed_at is None
    assert db.session.get(Follow, mine.id).confirmed_at is not None
    # A made-up unsubscribe link does nothing.
    assert client.post("/follow/unsubscribe/not-a-token").status_code == 404
    assert db.session.scalar(select(db.func.count()).select_from(Follow).where(Follow.unsubscribed_at.is_not(None))) == 0


def test_never_the_same_event_twice_even_with_a_crash_between_send_and_mark(app, org, mail, monkeypatch):
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    follow(org, "a@example.org", "person", person.id)
    follow(org, "a@example.org", "organization", "")  # two follows, one address: one delivery
    pledge, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(pledge)
    db.session.commit()

    def crash(ids, now):
        raise SystemExit("killed after the hand-over, before the mark")

    monkeypatch.setattr(notifications, "_mark_sent", crash)
    with pytest.raises(SystemExit):
        notifications.send_due()
    db.session.rollback()
    assert len(mail.messages) == 1
    monkeypatch.undo()
    assert notifications.send_due()["messages"] == 0
    assert notifications.send_due(now=utcnow() + timedelta(hours=1))["held"] == 1
    assert notifications.send_due(now=utcnow() + timedelta(hours=2))["messages"] == 0
    assert len(mail.messages) == 1
    delivery = db.session.execute(select(Delivery)).scalar_one()
    assert delivery.status == "held" and "may have been sent" in delivery.error
    # Fanning out again adds nothing: one delivery per (event, address).
    db.session.execute(db.update(OutboxEvent).values(fanned_out_at=None))
    db.session.commit()
    notifications.fan_out()
    assert db.session.scalar(select(db.func.count()).select_from(Delivery)) == 1


def test_without_a_mail_server_messages_wait_and_admins_see_them(app, org, client, login, smtp_sink):
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    follow(org, "waiting@example.org", "person", person.id)
    pledge, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(pledge)
    db.session.commit()
    assert app.config["MAIL_SERVER"] is None
    result = notifications.send_due()
    assert (result["messages"], result["waiting"]) == (0, 1)
    login("admin")
    page = client.get("/admin/notifications")
    assert page.status_code == 200
    assert b"MAIL_SERVER is not set" in page.data and b"waiting@example.org" in page.data
    assert b"Official A&#39;s pledge withdrawn" in page.data
    app.config.update(smtp_sink.config)  # the mail server arrives: nothing was lost
    assert notifications.send_due()["messages"] == 1
    assert smtp_sink.messages[0]["To"] == "waiting@example.org"


def test_daily_digest_gathers_the_days_events_in_one_message(app, org, mail):
    world = scored_world(org, people=2, with_money=False)
    a, b = world.people
    follow(org, "digest@example.org", "organization", "", cadence="digest")
    for person in (a, b):
        pledge, _ = sign_pledge(org, person, world.version)
        pledges.withdraw(pledge)
    db.session.commit()
    now = utcnow()
    assert notifications.send_due(now=now)["messages"] == 0  # due at the next digest hour
    due = notifications.next_digest_at(now)
    assert due.hour == app.config["DIGEST_HOUR"] and now < due <= now + timedelta(days=1)
    assert notifications.send_due(now=due)["messages"] == 1
    (message,) = mail.messages
    assert message["Subject"] == f"{org.name}: 2 updates"
    assert "Official A's pledge withdrawn" in text_of(message) and "Official B's pledge withdrawn" in text_of(message)


def test_events_roll_back_with_the_change_that_wrote_them(app, org):
    world = scored_world(org, people=1, with_money=False)
    pledge, _ = sign_pledge(org, world.people[0], world.version)
    pledges.withdraw(pledge)
    db.session.rollback()
    assert kinds(org) == [] and db.session.get(Pledge, pledge.id).status == "signed"


# --- every event type ------------------------------------------------------------------------------

def _money_world(org, realdata):
    """Jack Reed (endorsed), a signed no-corporate-PAC pledge, a General Dynamics PAC receipt."""
    from tests.test_flags_service import add_committees, add_contributions, itpas2_like
    from tracker.models import Committee

    add_committees(org, money_realdata.committees(realdata))
    person = make_endorsed(org, "Jack Reed", ids={"fec_candidate": "S6RI00163"})
    db.session.execute(db.update(Committee).where(Committee.committee_id == "C00238907").values(candidate_id="S6RI00163"))
    world = scored_world(org, people=1, with_money=False)
    pledge = Pledge(organization_id=org.id, person_id=person.id, program_version_id=world.version.id, text="I pledge.",
                    text_sha256="0" * 64, status="signed", signed_name=person.name, signed_at=datetime(2024, 1, 15))
    db.session.add(pledge)
    db.session.flush()
    db.session.add(PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind="no_corporate_pac"))
    add_contributions(org, pd.DataFrame([itpas2_like("C00078451", "C00238907", 1000, date(2024, 3, 1))]))
    flags_service.evaluate_person(person)
    db.session.commit()
    return person, pledge


def test_corporate_money_flag_and_broken_pledge_reach_the_person_and_slate_followers(app, org, mail, realdata):
    person, pledge = _money_world(org, realdata)
    follow(org, "person@example.org", "person", person.id)
    follow(org, "slate@example.org", "election", "2026-council")
    assert kinds(org) == []  # a draft flag is the committee's only: nobody is told yet
    told = datetime(2024, 4, 1, 12)
    flags_service.notify_person(person, now=told)
    flags_service.publish_due(org, now=told + timedelta(days=7))
    db.session.commit()
    assert pledge.status == "broken"
    assert kinds(org) == ["flag.corporate_money", "pledge.broken"]
    notifications.send_due()
    for address in ("person@example.org", "slate@example.org"):
        (message,) = to(mail, address)
        body = text_of(message)
        assert "Corporate money flagged: Jack Reed" in body and "Jack Reed broke the pledge" in body
        # The evidence: the donor and the filing line, and the money page.
        assert "GENERAL DYNAMICS CORPORATION POLITICAL ACTION COMMITTEE (GDC PAC) $1,000.00 on 2024-03-01" in body
        assert "itpas2.txt line 2" in body
        assert f"http://tracker.test/money/people/{person.id}" in body


def test_pledge_withdrawn_event(app, org, mail):
    world = scored_world(org, people=1, with_money=False)
    follow(org, "w@example.org", "person", world.people[0].id)
    pledge, _ = sign_pledge(org, world.people[0], world.version)
    pledges.withdraw(pledge, reason="moved away")
    db.session.commit()
    notifications.send_due()
    (message,) = to(mail, "w@example.org")
    assert message["Subject"] == "Official A's pledge withdrawn" and "moved away" in text_of(message)


def test_roll_call_aligned_tells_plank_and_official_followers_how_each_voted(app, org, mail, login):
    world = scored_world(org, people=3, with_money=False)
    plank, roll_call = world.planks[2], world.roll_calls[0]
    follow(org, "plank@example.org", "plank", plank.key)
    follow(org, "b@example.org", "person", world.people[1].id)
    committee = make_member(org, role="committee")
    alignment = alignments.propose(org, roll_call, plank, "yes", 1, "funds it", committee)
    assert kinds(org) == []  # proposed only: it does not count yet
    alignments.decide(org, alignment, "approve", committee)
    assert kinds(org) == ["roll_call.aligned"]
    notifications.send_due()
    for address in ("plank@example.org", "b@example.org"):
        (message,) = to(mail, address)
        body = text_of(message)
        # scored_world: official i votes yes on roll call n unless (n + i) % 3 == 0 (roll call 0).
        assert "Official A: no; Official B: yes; Official C: yes" in body
        assert f"http://tracker.test/scorecards/roll-calls/{roll_call.id}" in body
        assert plank.title in message["Subject"]


def test_score_crossing_a_word_band(app, org, mail):
    world = scored_world(org, people=3, with_money=False)
    org.score_bands = [{"min": 80, "label": "keeps the program"}, {"min": 60, "label": "mixed"},
                       {"min": 0, "label": "breaks it"}]
    db.session.commit()
    scores.recompute(org)  # first scores with bands: nothing crossed
    assert kinds(org) == []
    follow(org, "c@example.org", "person", world.people[2].id)
    # Roll call 1 (C voted yes) now weighs 6: C goes from 4 of 6 points (67, "mixed") to 8 of 10 (80);
    # A (50 -> 30) stays "breaks it", B (83 -> 90) stays "keeps the program".
    db.session.execute(db.update(Alignment).where(Alignment.roll_call_id == world.roll_calls[0].id).values(weight=6))
    db.session.commit()
    scores.recompute(org)
    events = db.session.execute(select(OutboxEvent).where(OutboxEvent.kind == "score.band")).scalars().all()
    moved = {e.data["person_id"]: (e.data["before"], e.data["after"]) for e in events}
    assert moved == {world.people[2].id: ("mixed", "keeps the program")}
    notifications.send_due()
    (message,) = to(mail, "c@example.org")
    assert message["Subject"] == "Official C: now “keeps the program”"
    assert "from “mixed” to “keeps the program”" in text_of(message)


def test_member_notices_ballot_opened_and_closed(app, org, mail, client, login):
    member = login("member")
    response = client.post("/me/follows", data={"cadence": "immediate", "members_notices": "y"})
    assert response.status_code == 302
    (former,) = make_members(org, 1)
    notifications.update_member_follows(former, cadence="immediate", members_notices=True)
    former.active = False  # a member who left hears no more members' notices
    db.session.commit()
    committee = make_member(org, role="committee")
    ballots.update_settings(org, {"cosponsors_needed": 0})
    follow(org, "public@example.org", "organization", "")
    now = utcnow()
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Spring vote", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=1),
        other_questions=["Meet on Tuesdays?"]), now=now)
    db.session.commit()
    ballots.close(ballot, now=now + timedelta(days=1))
    assert kinds(org) == ["ballot.opened", "ballot.closed"]
    notifications.send_due()
    (message,) = to(mail, member.email)
    assert "Ballot open: Spring vote" in text_of(message) and "Ballot closed: Spring vote" in text_of(message)
    assert to(mail, "public@example.org") == []  # members' notices never go to the public
    assert to(mail, former.email) == []
    assert client.get("/feeds/organization.atom").data.count(b"<entry>") == 0


def test_co_sponsored_proposal_changes_reach_its_co_sponsors_only(app, org, mail):
    author, backer, bystander = make_members(org, 3)
    for member in (author, backer, bystander):
        notifications.update_member_follows(member, cadence="immediate", members_notices=True)
    db.session.commit()
    proposal = make_proposal(org, author, cosponsors=[backer])
    proposals.withdraw(proposal, author)
    db.session.commit()
    assert kinds(org) == ["proposal.changed"]
    notifications.send_due()
    assert sorted(m["To"] for m in mail.messages) == sorted([author.email, backer.email])
    assert f"Proposal #{proposal.id}: was withdrawn by its author" == to(mail, backer.email)[0]["Subject"]


def test_endorsement_put_to_a_withdrawal_vote(app, org, mail):
    member, signer = make_members(org, 2)
    notifications.update_member_follows(member, cadence="immediate", members_notices=True)
    committee = make_member(org, role="committee")
    ballots.update_settings(org, {"petition_signatures": 1})
    person = make_endorsed(org, "Jane Roe")
    endorsement = person_endorsement(person)
    petition = endorsements.open_petition(endorsement, signer, "She broke the pledge.")
    db.session.commit()
    now = utcnow()
    ballots.create(org, committee, ballots.BallotPlan(title="Withdrawal", opens_at=now + timedelta(hours=1),
                                                      closes_at=now + timedelta(days=2), petition_ids=[petition.id]),
                   now=now)
    db.session.commit()
    assert kinds(org) == ["endorsement.withdrawal_vote"]
    notifications.send_due()
    (message,) = to(mail, member.email)
    assert message["Subject"] == "Withdrawal vote: Jane Roe"
    assert f"http://tracker.test/candidates/petitions/{petition.id}" in text_of(message)


def person_endorsement(person):
    from tracker.models import Endorsement
    return db.session.execute(select(Endorsement).filter_by(person_id=person.id)).scalar_one()


# --- languages ------------------------------------------------------------------------------------

def test_each_follower_reads_the_same_event_in_their_own_language(app, org, client, mail, monkeypatch):
    from tracker.services import outbox
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    for email, language in (("es@example.org", "es"), ("en@example.org", "en"), ("es2@example.org", "es")):
        notifications.confirm(notifications.request_follow(org, email, "person", str(person.id), cadence="immediate",
                                                           language=language))
    db.session.execute(db.delete(Delivery).where(Delivery.kind == "confirm"))
    db.session.commit()
    said = []
    words_of = outbox.words_of
    monkeypatch.setattr(outbox, "words_of", lambda *args: said.append(args) or words_of(*args))
    pledge, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(pledge, reason="moved away")
    db.session.commit()
    assert notifications.send_due()["messages"] == 3
    assert len(said) == 2  # the event is put into words once per language, not once per follower
    english, spanish = to(mail, "en@example.org")[0], to(mail, "es@example.org")[0]
    assert english["Subject"] == "Official A's pledge withdrawn" and english["Content-Language"] == "en"
    assert "Official A's pledge was withdrawn: moved away" in text_of(english)
    assert "Evidence: http://tracker.test/candidates/pledges/" in text_of(english)
    assert "Stop all messages (one click): http://tracker.test/follow/unsubscribe/" in text_of(english)
    assert "See the evidence" in html_of(english) and "Pruebas" not in text_of(english)
    assert spanish["Subject"] == "Compromiso de Official A retirado" and spanish["Content-Language"] == "es"
    assert "El compromiso de Official A fue retirado: moved away" in text_of(spanish)
    assert "Pruebas: http://tracker.test/candidates/pledges/" in text_of(spanish)
    assert "Dejar de recibir todos los mensajes (un clic): http://tracker.test/follow/unsubscribe/" in text_of(spanish)
    assert '<html lang="es">' in html_of(spanish) and "Ver las pruebas" in html_of(spanish)
    # Each has their own unsubscribe link in the shared text.
    assert to(mail, "es2@example.org")[0]["List-Unsubscribe"] != spanish["List-Unsubscribe"]
    assert spanish["List-Unsubscribe"].strip("<>") in text_of(spanish)
    # A confirmation request is in the follower's language too.
    notifications.request_follow(org, "nuevo@example.org", "person", str(person.id), language="es")
    db.session.commit()
    notifications.send_due()
    (confirmation,) = to(mail, "nuevo@example.org")
    assert confirmation["Subject"] == f"Confirmar el seguimiento: Official A ({org.name})"
    assert "Confirme dentro de 7 días:" in text_of(confirmation)
    # The feed is in its reader's language; English unchanged.
    feed = f"/feeds/person/{person.id}.atom"
    parsed = feedparser.parse(client.get(feed, headers={"Accept-Language": "es"}).data)
    assert not parsed.bozo and parsed.feed.language == "es"
    assert parsed.entries[0].title == "Compromiso de Official A retirado"
    assert parsed.feed.subtitle.startswith("Compromisos, votos, dinero y evaluaciones")
    parsed = feedparser.parse(client.get(feed).data)
    assert parsed.feed.language == "en" and parsed.entries[0].title == "Official A's pledge withdrawn"


def test_the_follow_form_records_the_visitors_language(app, org, client, mail):
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    page = client.get(f"/follow/person/{person.id}").get_data(as_text=True)
    assert '<option selected value="en">' in page and "We write to you when a pledge is broken" in page
    client.get("/language/es")
    page = client.get(f"/follow/person/{person.id}").get_data(as_text=True)
    assert '<option selected value="es">' in page and "Seguir: Official A" in page
    response = client.post(f"/follow/person/{person.id}", data={"email": "lector@example.org", "cadence": "digest"})
    assert "Revise su correo" in response.get_data(as_text=True)
    assert db.session.execute(select(Follow).filter_by(email="lector@example.org")).scalar_one().language == "es"


# --- feeds ------------------------------------------------------------------------------------------

def test_feeds_are_valid_atom_with_stable_ids_and_conditional_answers(app, org, client):
    world = scored_world(org, people=2, with_money=False)
    person = world.people[0]
    for reason in ("first", "second"):
        pledge, _ = sign_pledge(org, person, world.version)
        pledges.withdraw(pledge, reason=reason)
    other, _ = sign_pledge(org, world.people[1], world.version)
    pledges.withdraw(other)
    db.session.commit()
    response = client.get(f"/feeds/person/{person.id}.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo and parsed.version == "atom10"
    assert parsed.feed.title == f"{org.name}: Official A"
    assert len(parsed.entries) == 2  # Official B's event is not in A's feed
    assert {e.summary.split(": ")[-1] for e in parsed.entries} == {"first", "second"}
    for entry in parsed.entries:
        assert entry.id.startswith(f"tag:tracker.test,{org.created_at:%Y-%m-%d}:{org.slug}/event/")
        assert re.fullmatch(r"http://tracker\.test/candidates/pledges/\d+", entry.link)
        assert entry.updated_parsed is not None
    # The same ids on the next request, and after a new event (ids do not depend on position).
    again = feedparser.parse(client.get(f"/feeds/person/{person.id}.atom").data)
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert client.get(f"/feeds/person/{person.id}.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/feeds/person/{person.id}.atom", headers={"If-Modified-Since": modified}).status_code == 304
    organization = feedparser.parse(client.get("/feeds/organization.atom").data)
    assert len(organization.entries) == 3 and not organization.bozo
    third, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(third, reason="third")
    db.session.commit()
    fresh = client.get(f"/feeds/person/{person.id}.atom", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    ids = [e.id for e in feedparser.parse(fresh.data).entries]
    assert ids[1:] == [e.id for e in parsed.entries]


def test_feed_cache_answers_without_reading_again(app, org, client):
    world = scored_world(org, people=1, with_money=False)
    app.config["FEED_CACHE_SECONDS"] = 60
    first = client.get("/feeds/organization.atom")
    pledge, _ = sign_pledge(org, world.people[0], world.version)
    pledges.withdraw(pledge)
    db.session.commit()
    cached = client.get("/feeds/organization.atom")
    assert cached.data == first.data and cached.headers["ETag"] == first.headers["ETag"]
    assert "max-age=60" in cached.headers["Cache-Control"]


def test_pages_link_their_feed_in_the_head_and_on_the_page(app, org, client):
    world = scored_world(org, people=1, with_money=False)
    person, plank = world.people[0], world.planks[0]
    make_endorsed(org, "Jane Roe", election="2026 Council")
    pages = {f"/scorecards/people/{person.id}": f"/feeds/person/{person.id}.atom",
             f"/program/planks/{plank.id}": f"/feeds/plank/{plank.id}.atom",
             f"/scorecards/planks/{plank.id}": f"/feeds/plank/{plank.id}.atom",
             "/candidates/elections/2026-council": "/feeds/election/2026-council.atom",
             "/": "/feeds/organization.atom"}
    for page, feed in pages.items():
        html = client.get(page).get_data(as_text=True)
        head = html.split("</head>")[0]
        assert f'<link rel="alternate" type="application/atom+xml"' in head and f'href="{feed}"' in head, page
        assert f'<a href="{feed}" type="application/atom+xml">Atom feed</a>' in html.split("</head>")[1], page
        parsed = feedparser.parse(client.get(feed).data)
        assert not parsed.bozo, feed
    assert client.get("/feeds/plank/999999.atom").status_code == 404


# --- the demo ----------------------------------------------------------------------------------------

def test_following_works_end_to_end_on_the_demo_data(app, client, mail):
    from tracker.models import Organization, Person
    from tracker.services import demo

    summary = demo.build()
    org = db.session.execute(select(Organization).filter_by(slug=demo.DEMO_SLUG)).scalar_one()
    assert summary["followers"] == 6
    fischer = db.session.execute(select(Person).filter_by(organization_id=org.id, name="Naomi Fischer")).scalar_one()
    public = set(kinds(org))
    assert {"flag.corporate_money", "pledge.broken", "ballot.opened", "ballot.closed"} <= public
    # Feeds, from the pages' own links.
    page = client.get(f"/scorecards/people/{fischer.id}").get_data(as_text=True)
    feed_path = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', page).group(1)
    organization_feed = feedparser.parse(client.get("/feeds/organization.atom").data)
    assert not organization_feed.bozo and len(organization_feed.entries) > 0
    assert all(entry.link.startswith("http://tracker.test/") for entry in organization_feed.entries)
    assert not feedparser.parse(client.get(feed_path).data).bozo
    # E-mail: everything waiting is sent once; the unconfirmed address gets only its confirmation.
    now = utcnow()
    first = notifications.send_due(now=now)  # immediate follows and the confirmation now; digests wait
    assert first["failed"] == 0 and first["waiting"] > 0
    assert "reader@demo.example" not in {m["To"] for m in mail.messages}
    result = notifications.send_due(now=now + timedelta(days=1))
    assert result["failed"] == 0 and result["waiting"] == 0
    received = {m["To"] for m in mail.messages}
    assert {"reader@demo.example", "member@demo.example", "unconfirmed@demo.example"} <= received
    (confirmation,) = to(mail, "unconfirmed@demo.example")
    assert "/follow/confirm/" in text_of(confirmation)
    member_mail = "".join(text_of(m) for m in to(mail, "member@demo.example"))
    assert "Ballot" in member_mail
    assert notifications.send_due(now=utcnow() + timedelta(days=2))["messages"] == 0  # nothing twice


# --- background sending ------------------------------------------------------------------------------

def test_with_redis_a_committed_event_queues_a_job_that_sends_it(app, org, mail):
    import uuid

    from redis import Redis
    from rq import Queue, SimpleWorker

    world = scored_world(org, people=1, with_money=False)
    follow(org, "rq@example.org", "person", world.people[0].id)
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", NOTIFICATIONS_SENDER="rq",
                      NOTIFICATIONS_QUEUE=f"test-notifications-{uuid.uuid4().hex[:8]}")
    queue = Queue(app.config["NOTIFICATIONS_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
    try:
        pledge, _ = sign_pledge(org, world.people[0], world.version)
        assert queue.count == 0
        pledges.withdraw(pledge)
        db.session.commit()  # the commit that wrote the event queues the job
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert [m["Subject"] for m in to(mail, "rq@example.org")] == ["Official A's pledge withdrawn"]
    finally:
        queue.delete(delete_jobs=True)


def test_without_redis_a_thread_of_the_process_sends(app, org, mail):
    import time

    world = scored_world(org, people=1, with_money=False)
    follow(org, "thread@example.org", "person", world.people[0].id)
    app.config["NOTIFICATIONS_SENDER"] = "thread"
    try:
        pledge, _ = sign_pledge(org, world.people[0], world.version)
        pledges.withdraw(pledge)
        db.session.commit()  # outside a request (a command): no thread, cron sends it
        assert notifications._thread is None
        db.session.delete(db.session.get(OutboxEvent, db.session.scalar(select(OutboxEvent.id))))
        db.session.commit()
        pledge, _ = sign_pledge(org, world.people[0], world.version)
        with app.test_request_context("/candidates/pledges/1/withdraw", method="POST"):
            pledges.withdraw(pledge)
            db.session.commit()  # in a web request: the process's sender thread wakes up
        deadline = time.monotonic() + 20
        while not to(mail, "thread@example.org") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        notifications.stop_background()
    assert [m["Subject"] for m in to(mail, "thread@example.org")] == ["Official A's pledge withdrawn"]


def test_the_follow_form_sends_one_confirmation_an_hour_at_most(app, org, client, mail):
    world = scored_world(org, people=1, with_money=False)
    for _ in range(3):
        client.post(f"/follow/person/{world.people[0].id}", data={"email": "flood@example.org", "cadence": "digest",
                                                                  "language": "en"})
        notifications.send_due()
    assert len(to(mail, "flood@example.org")) == 1
    assert client.post(f"/follow/person/{world.people[0].id}",
                       data={"email": "not an address", "cadence": "digest", "language": "en"}).status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(Follow)) == 1


def test_a_member_follows_from_the_pages_with_their_own_address_and_sets_it_on_their_page(app, org, client, login,
                                                                                           mail):
    world = scored_world(org, people=1, with_money=False)
    person = world.people[0]
    member = login("member")
    form = client.get(f"/follow/person/{person.id}").get_data(as_text=True)
    assert f'value="{member.email}"' in form  # the account's address, filled in
    response = client.post(f"/follow/person/{person.id}", data={"email": member.email, "cadence": "digest",
                                                                "language": "en"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    page = client.get("/me").get_data(as_text=True)
    assert "What you follow by e-mail" in page and "Official A" in page and "waiting for confirmation" not in page
    client.post("/me/follows", data={"cadence": "immediate"})
    row = db.session.execute(select(Follow)).scalar_one()
    assert (row.cadence, row.member_id, row.confirmed_at is not None) == ("immediate", member.id, True)
    pledge, _ = sign_pledge(org, person, world.version)
    pledges.withdraw(pledge)
    db.session.commit()
    notifications.send_due()
    assert [m["Subject"] for m in mail.messages] == ["Official A's pledge withdrawn"]  # no confirmation asked
    client.post("/me/follows", data={"cadence": "immediate", "stop": str(row.id)})
    assert "Nothing yet" in client.get("/me").get_data(as_text=True)
