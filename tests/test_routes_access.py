"""Who gets what on every route. ROUTES has one line per case: the endpoint, a URL built from a
small world (organization A's rows; `other_admin` is an admin of organization B), and what each of
five visitors gets on GET and, for write routes, on POST (with an empty form):

    anonymous, member (of A), committee (of A), admin (of A), other_admin (admin of B)

A status code, or LOGIN for a redirect to the sign-in page. Anonymous visitors see organization A
(the first one); signed-in visitors see their own organization, so B's admin gets 404 for A's rows.
A write refused to a visitor (LOGIN, 403, 404) must leave every row as it was, and no GET may
change a row. `test_every_route_has_an_entry` fails when a route of the app has no line here: a
new route is one line (use a shorthand below, or write the five answers out).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import inspect
from werkzeug.security import generate_password_hash

from tests.factories import PASSWORD, make_org
from tests.scorecards_world import scored_world, sign_pledge
from tracker.extensions import db
from tracker.models import Alignment, Endorsement, Excusal, ImportRowError, ImportRun, Member, Score, VoterReview
from tracker.services import notifications
from tracker.services import pledges as pledge_service

LOGIN = "login"
VISITORS = ("anonymous", "member", "committee", "admin", "other_admin")

# Shorthands, in the order of VISITORS.
PUBLIC = (200, 200, 200, 200, 200)          # no row of A in the URL (B's admin sees B's own page)
PUBLIC_ROW = (200, 200, 200, 200, 404)      # a public page about a row of A
SIGNED_IN = (LOGIN, 200, 200, 200, 200)
MEMBER_ROW = (LOGIN, 302, 302, 302, 404)    # a member's write on a row of A (redirects back)
COMMITTEE = (LOGIN, 403, 200, 200, 200)     # a committee page (B's admin: B's own)
COMMITTEE_ROW = (LOGIN, 403, 200, 200, 404)
COMMITTEE_WRITE = (LOGIN, 403, 302, 302, 404)
ADMIN = (LOGIN, 403, 403, 200, 200)         # an admin page (B's admin: B's own)
ADMIN_ROW = (LOGIN, 403, 403, 200, 404)
ADMIN_WRITE = (LOGIN, 403, 403, 302, 404)
ADMIN_REDIRECT = (LOGIN, 403, 403, 302, 302)
UNSIGNED = (404, 404, 200, 200, 404)        # a pledge not signed yet: the committee's only


@dataclass(frozen=True)
class Case:
    endpoint: str
    path: str                    # formatted with the world's ids: {person}, {roll_call}, ...
    get: tuple | None = None
    post: tuple | None = None


ROUTES = [
    Case("main.home", "/", get=PUBLIC),
    Case("main.healthz", "/healthz", get=PUBLIC),
    Case("main.set_language", "/language/es", get=(302, 302, 302, 302, 302)),
    Case("main.search", "/search?q=Official", get=PUBLIC),
    Case("main.method", "/method", get=PUBLIC),
    Case("static", "/static/css/site.css", get=PUBLIC),
    Case("accounts.login", "/login", get=PUBLIC, post=PUBLIC),
    Case("accounts.logout", "/logout", post=(LOGIN, 302, 302, 302, 302)),
    Case("accounts.change_password", "/account/password", get=SIGNED_IN, post=SIGNED_IN),
    # admin
    Case("admin.index", "/admin/", get=ADMIN_REDIRECT),
    Case("admin.members", "/admin/members", get=ADMIN, post=ADMIN),
    Case("admin.change_role", "/admin/members/{member}/role", post=ADMIN_WRITE),
    Case("admin.audit_log", "/admin/audit", get=ADMIN),
    Case("admin.review", "/admin/review", get=COMMITTEE),
    Case("admin.review_link", "/admin/review/{review}/link", post=COMMITTEE_WRITE),
    Case("admin.review_create", "/admin/review/{review}/create", post=COMMITTEE_WRITE),
    Case("admin.review_undo", "/admin/review/{review}/undo", post=COMMITTEE_WRITE),
    Case("admin.people_list", "/admin/people", get=COMMITTEE),
    Case("admin.person_edit", "/admin/people/{person}", get=COMMITTEE_ROW, post=COMMITTEE_ROW),
    Case("admin.person_add_identifier", "/admin/people/{person}/ids", post=COMMITTEE_WRITE),
    Case("admin.person_remove_identifier", "/admin/people/{person}/ids/remove", post=COMMITTEE_WRITE),
    Case("admin.donor_lists_page", "/admin/donor-lists", get=ADMIN),
    Case("admin.save_donor_list", "/admin/donor-lists/known_corporate", post=ADMIN_REDIRECT),
    Case("main.me", "/me", get=SIGNED_IN),
    # program: versions are public; proposals and their discussion are the members'
    Case("program.index", "/program/", get=PUBLIC),
    Case("program.plank", "/program/planks/{plank}", get=PUBLIC_ROW),
    Case("program.versions", "/program/versions/", get=PUBLIC),
    Case("program.version", "/program/versions/1", get=PUBLIC_ROW),
    Case("program.version_export", "/program/versions/1.json", get=PUBLIC_ROW),
    Case("program.diff", "/program/diff", get=PUBLIC),
    Case("program.proposals", "/program/proposals/", get=SIGNED_IN),
    Case("program.new_proposal", "/program/proposals/new", get=SIGNED_IN, post=SIGNED_IN),
    Case("program.proposal", "/program/proposals/{proposal}", get=(LOGIN, 200, 200, 200, 404)),
    Case("program.cosponsor", "/program/proposals/{proposal}/cosponsor", post=MEMBER_ROW),
    Case("program.uncosponsor", "/program/proposals/{proposal}/uncosponsor", post=MEMBER_ROW),
    Case("program.withdraw", "/program/proposals/{proposal}/withdraw", post=MEMBER_ROW),
    Case("program.comment", "/program/proposals/{proposal}/comments", post=MEMBER_ROW),
    # ballots: members vote; the committee opens and runs them; admins set the rules
    Case("voting.index", "/ballots/", get=SIGNED_IN),
    Case("voting.new_ballot", "/ballots/new", get=COMMITTEE, post=COMMITTEE),
    Case("voting.ballot", "/ballots/{ballot}", get=(LOGIN, 200, 200, 200, 404)),
    Case("voting.vote", "/ballots/{ballot}/vote", post=MEMBER_ROW),
    Case("voting.check_receipt", "/ballots/{closed_ballot}/receipt?code=ABCD", get=(LOGIN, 200, 200, 200, 404)),
    Case("voting.cast_ballots", "/ballots/{closed_ballot}/ballots.csv", get=(LOGIN, 200, 200, 200, 404)),
    Case("voting.attendance", "/ballots/{paper_ballot}/attendance", post=COMMITTEE_WRITE),
    Case("voting.teller_count", "/ballots/{paper_ballot}/questions/{paper_question}/count", post=COMMITTEE_WRITE),
    Case("voting.upload", "/ballots/{paper_ballot}/questions/{paper_question}/upload", post=COMMITTEE_WRITE),
    Case("voting.close", "/ballots/{paper_ballot}/close", post=COMMITTEE_WRITE),
    # Like the scoring settings: the form starts from the settings in force, so an empty POST saves them as they are.
    Case("voting.settings", "/ballots/settings", get=ADMIN, post=ADMIN_REDIRECT),
    # candidates and pledges
    Case("candidates.index", "/candidates/", get=PUBLIC),
    Case("candidates.pledges", "/candidates/pledges/", get=PUBLIC),
    Case("candidates.slate", "/candidates/elections/2026-council", get=PUBLIC_ROW),
    Case("candidates.new_candidate", "/candidates/new", get=COMMITTEE, post=COMMITTEE),
    Case("candidates.endorsement", "/candidates/endorsements/{endorsement}", get=(LOGIN, 200, 200, 200, 404)),
    # Answers with the page showing the new link once (the link lasts 30 days unless the form says otherwise).
    Case("candidates.send_questionnaire", "/candidates/endorsements/{endorsement}/questionnaire",
         post=(LOGIN, 403, 200, 200, 404)),
    Case("candidates.identifiers", "/candidates/endorsements/{endorsement}/identifiers", post=COMMITTEE_WRITE),
    Case("candidates.report", "/candidates/endorsements/{endorsement}/report", get=COMMITTEE_ROW),
    # The questionnaire link is the credential, like the signing link (an empty form saves nothing but the date).
    Case("candidates.questionnaire", "/candidates/questionnaire/{questionnaire_token}", get=PUBLIC,
         post=(302, 302, 302, 302, 302)),
    Case("candidates.open_petition", "/candidates/endorsements/{endorsement}/petitions", post=MEMBER_ROW),
    Case("candidates.petition", "/candidates/petitions/{petition}", get=(LOGIN, 200, 200, 200, 404)),
    Case("candidates.sign_petition", "/candidates/petitions/{petition}/sign", post=MEMBER_ROW),
    Case("candidates.issue_pledge", "/candidates/pledges/new", get=COMMITTEE, post=COMMITTEE),
    Case("candidates.pledge_page", "/candidates/pledges/{signed_pledge}", get=PUBLIC_ROW),
    Case("candidates.pledge_page", "/candidates/pledges/{pending_pledge}", get=UNSIGNED),
    Case("candidates.pledge_text", "/candidates/pledges/{signed_pledge}/text.txt", get=PUBLIC_ROW),
    Case("candidates.pledge_text", "/candidates/pledges/{pending_pledge}/text.txt", get=UNSIGNED),
    Case("candidates.paper_signature", "/candidates/pledges/{pending_pledge}/paper", post=COMMITTEE_WRITE),
    Case("candidates.withdraw", "/candidates/pledges/{signed_pledge}/withdraw", post=COMMITTEE_WRITE),
    # The signing link is the credential: whoever holds it gets the page (an empty form is refused).
    Case("candidates.sign", "/candidates/sign/{token}", get=PUBLIC, post=PUBLIC),
    # scorecards (public) and their member/committee forms
    Case("scorecards.index", "/scorecards/", get=PUBLIC),
    Case("scorecards.index_download", "/scorecards/officials.csv", get=PUBLIC),
    Case("scorecards.official", "/scorecards/people/{person}", get=PUBLIC_ROW),
    Case("scorecards.official_download", "/scorecards/people/{person}/roll-calls.json", get=PUBLIC_ROW),
    Case("scorecards.plank", "/scorecards/planks/{plank}", get=PUBLIC_ROW),
    Case("scorecards.plank_download", "/scorecards/planks/{plank}/scores.csv", get=PUBLIC_ROW),
    Case("scorecards.compare", "/scorecards/compare?person={person}&person={person2}", get=PUBLIC),
    Case("scorecards.compare_download", "/scorecards/compare.csv?person={person}&person={person2}", get=PUBLIC),
    Case("scorecards.roll_call", "/scorecards/roll-calls/{roll_call}", get=PUBLIC_ROW),
    Case("scorecards.roll_call_download", "/scorecards/roll-calls/{roll_call}/positions.csv", get=PUBLIC_ROW),
    Case("scorecards.unreviewed", "/scorecards/roll-calls/unreviewed", get=SIGNED_IN),
    Case("scorecards.propose_alignment", "/scorecards/roll-calls/{roll_call}/alignments", post=MEMBER_ROW),
    Case("scorecards.decide_alignment", "/scorecards/alignments/{alignment}/decide", post=COMMITTEE_WRITE),
    Case("scorecards.excuse", "/scorecards/roll-calls/{roll_call}/excusals", post=COMMITTEE_WRITE),
    Case("scorecards.remove_excusal", "/scorecards/excusals/{excusal}/remove", get=COMMITTEE_ROW,
         post=COMMITTEE_WRITE),
    # The settings form starts from the options in force, so an empty POST saves them as they are.
    Case("scorecards.settings", "/scorecards/settings", get=COMMITTEE, post=(LOGIN, 403, 302, 302, 302)),
    Case("badge", "/badge/{person}.svg", get=PUBLIC_ROW),
    # money
    Case("money_pages.person_money", "/money/people/{person}", get=PUBLIC_ROW),
    Case("money_pages.person_download", "/money/people/{person}/contributions.csv", get=PUBLIC_ROW),
    Case("money_pages.notify", "/money/people/{person}/notify", post=COMMITTEE_WRITE),
    Case("money_pages.publish", "/money/people/{person}/publish", post=COMMITTEE_WRITE),
    Case("money_pages.classification", "/money/classification", get=PUBLIC),
    Case("money_pages.classification_download", "/money/classification.json", get=PUBLIC),
    # imports and the review queue (committee and admin)
    Case("importing.index", "/imports/", get=COMMITTEE),
    Case("importing.upload", "/imports/upload", get=COMMITTEE, post=COMMITTEE),
    # An upload is previewed only from the session that uploaded it: none here, so 404 even for A's admin.
    Case("importing.preview", "/imports/preview?kind=votes&token=someone-elses.csv", get=(LOGIN, 403, 404, 404, 404)),
    Case("importing.start", "/imports/start", post=(LOGIN, 403, 400, 400, 400)),
    Case("importing.cancel", "/imports/cancel", post=(LOGIN, 403, 302, 302, 302)),
    Case("importing.run", "/imports/{run}", get=COMMITTEE_ROW),
    Case("importing.progress", "/imports/{run}/progress.json", get=COMMITTEE_ROW),
    Case("importing.errors_csv", "/imports/{run}/errors.csv", get=COMMITTEE_ROW),
    # JSON API (public data of the organization the visitor sees)
    Case("api.openapi", "/api/v1/openapi.json", get=PUBLIC),
    Case("api.organizations", "/api/v1/organizations", get=PUBLIC),
    Case("api.program_versions", "/api/v1/program-versions", get=PUBLIC),
    Case("api.planks", "/api/v1/planks", get=PUBLIC),
    Case("api.people", "/api/v1/people", get=PUBLIC),
    Case("api.person", "/api/v1/people/{person}", get=PUBLIC_ROW),
    Case("api.roll_calls", "/api/v1/roll-calls", get=PUBLIC),
    Case("api.roll_call", "/api/v1/roll-calls/{roll_call}", get=PUBLIC_ROW),
    Case("api.alignments", "/api/v1/alignments", get=PUBLIC),
    Case("api.scores", "/api/v1/scores", get=PUBLIC),
    Case("api.score", "/api/v1/scores/{score}", get=PUBLIC_ROW),
    Case("api.contributions", "/api/v1/contributions", get=PUBLIC),
    Case("api.pledges", "/api/v1/pledges", get=PUBLIC),
    # following: feeds and e-mail follows need no account; the links in messages are the credential
    Case("follow.organization_feed", "/feeds/organization.atom", get=PUBLIC),
    Case("follow.feed", "/feeds/person/{person}.atom", get=PUBLIC_ROW),
    Case("follow.subscribe", "/follow/person/{person}", get=PUBLIC_ROW, post=PUBLIC_ROW),
    Case("follow.confirm", "/follow/confirm/{confirm_token}", get=PUBLIC, post=PUBLIC),
    Case("follow.unsubscribe", "/follow/unsubscribe/{unsubscribe_token}", get=PUBLIC, post=PUBLIC),
    Case("follow.member_settings", "/me/follows", post=(LOGIN, 302, 302, 302, 302)),
    Case("follow.outbox", "/admin/notifications", get=ADMIN),
    Case("follow.release_held", "/admin/notifications/release", post=ADMIN_REDIRECT),
]

# A cheap hash for the world's members (the method is read from the hash, so signing in stays fast).
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def build_world() -> SimpleNamespace:
    """Organization A (first, so anonymous visitors see it) with a row of every kind a URL names,
    its member, committee member and admin; organization B with its admin."""
    org_a = make_org(name="Organization A")
    org_b = make_org(name="Organization B")
    members = {}
    for org, role, name in [(org_a, "member", "member"), (org_a, "committee", "committee"),
                            (org_a, "admin", "admin"), (org_b, "admin", "other_admin")]:
        member = Member(organization_id=org.id, email=f"{name}@example.org", name=name, role=role,
                        password_hash=FAST_HASH)
        db.session.add(member)
        members[name] = member
    db.session.commit()
    scored = scored_world(org_a, people=3)
    person, person2, candidate = scored.people
    signed, _ = sign_pledge(org_a, person, scored.version)
    endorsement = Endorsement(organization_id=org_a.id, person_id=candidate.id, election="2026 Council",
                              decision="endorsed", decided_on=datetime(2026, 1, 10).date())
    db.session.add(endorsement)
    db.session.flush()
    pending, token = pledge_service.issue(org_a, candidate, scored.version, {"no_corporate_money": {}},
                                          actor=members["committee"])
    roll_call = scored.roll_calls[0]
    excusal = Excusal(organization_id=org_a.id, roll_call_id=roll_call.id, person_id=person.id,
                      reason="medical", created_by_id=members["committee"].id)
    run = ImportRun(organization_id=org_a.id, kind="votes", file_name="votes.csv", file_sha256="0" * 64,
                    status="succeeded", finished_at=datetime(2024, 5, 1))
    review = VoterReview(organization_id=org_a.id, voter_key="name:nobody", voter_name="Nobody Known",
                         reason="no match")
    db.session.add_all([excusal, run, review])
    db.session.flush()
    db.session.add(ImportRowError(import_run_id=run.id, line=3, field="option", message="bad option", raw="x"))
    db.session.commit()
    democracy = build_democracy(org_a, members, endorsement)
    reader = notifications.request_follow(org_a, "reader@example.org", "person", str(person.id))
    db.session.commit()
    democracy.update(confirm_token=notifications.confirm_token(reader),
                     unsubscribe_token=notifications.unsubscribe_token(org_a.id, reader.email))
    score = db.session.execute(db.select(Score).filter_by(person_id=person.id)).scalars().first()
    alignment = db.session.execute(db.select(Alignment).filter_by(roll_call_id=roll_call.id)).scalars().first()
    ids = dict(person=person.id, person2=person2.id, plank=scored.planks[0].id, roll_call=roll_call.id,
               alignment=alignment.id, excusal=excusal.id, signed_pledge=signed.id, pending_pledge=pending.id,
               token=token, run=run.id, review=review.id, score=score.id, member=members["member"].id,
               endorsement=endorsement.id, **democracy)
    return SimpleNamespace(ids=ids, emails={name: m.email for name, m in members.items()})


def build_democracy(org, members, endorsement) -> dict:
    """A proposal (by a member who is not a visitor), an open ballot on it, a closed ballot, a paper
    ballot, a pending candidate's questionnaire link and a withdrawal petition."""
    from tracker.models.base import utcnow
    from tracker.services import ballots, endorsements, proposals

    author = Member(organization_id=org.id, email="author@example.org", name="author", role="member",
                    password_hash=FAST_HASH)
    db.session.add(author)
    db.session.flush()
    ballots.update_settings(org, {"cosponsors_needed": 0})
    proposal = proposals.propose(org, author, kind="new_plank", title="Free buses", body="No fares.", category="Transit")
    now = utcnow()
    committee = members["committee"]
    ballot = ballots.create(org, committee, ballots.BallotPlan(
        title="Open", opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7),
        proposal_groups=[[proposal.id]]), now=now)
    closed = ballots.create(org, committee, ballots.BallotPlan(
        title="Closed", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2), other_questions=["Q?"]),
        now=now - timedelta(days=9))
    db.session.commit()
    ballots.close(closed, now=now)
    paper = ballots.create(org, committee, ballots.BallotPlan(
        title="In the room", opens_at=now, closes_at=now + timedelta(hours=3), mode="paper", other_questions=["Q?"]),
        now=now)
    pending = endorsements.create_candidacy(org, committee, election="2026 Council", name="New Candidate")
    _, questionnaire_token = endorsements.send_questionnaire(pending, committee)
    petition = endorsements.open_petition(endorsement, author, "Broke the pledge.")
    db.session.commit()
    return dict(proposal=proposal.id, ballot=ballot.id, closed_ballot=closed.id, paper_ballot=paper.id,
                paper_question=paper.questions[0].id, questionnaire_token=questionnaire_token, petition=petition.id)


def snapshot() -> dict:
    """Every row of every table (the world is small), to tell whether a request changed anything."""
    rows = {}
    for table in db.metadata.sorted_tables:
        result = db.session.execute(table.select()).all()
        rows[table.name] = sorted(repr(tuple(row)) for row in result)
    return rows


@pytest.fixture
def site(make_app):
    app = make_app(SERVER_NAME=None)
    used = []

    def fresh_world():
        with app.app_context():
            if used:  # make_app built empty tables for the first world
                db.session.remove()
                db.drop_all()
                db.create_all()
            used.append(True)
            return build_world()

    return SimpleNamespace(app=app, fresh_world=fresh_world)


def client_for(app, world, visitor):
    client = app.test_client()
    if visitor != "anonymous":
        response = client.post("/login", data={"email": world.emails[visitor], "password": PASSWORD})
        assert response.status_code == 302, f"{visitor} could not sign in"
    return client


def answer(response):
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


CASES = [(case, method) for case in ROUTES for method in ("get", "post") if getattr(case, method)]


@pytest.mark.parametrize("case, method", CASES,
                         ids=[f"{method.upper()} {case.endpoint} {case.path}" for case, method in CASES])
def test_route_access(site, case, method):
    expected = dict(zip(VISITORS, getattr(case, method)))
    world = site.fresh_world()
    got = {}
    for visitor in VISITORS:
        client = client_for(site.app, world, visitor)
        path = case.path.format(**world.ids)
        with site.app.app_context():
            adapter = site.app.url_map.bind("localhost")
            assert adapter.match(path.split("?")[0], method=method.upper())[0] == case.endpoint, path
            before = snapshot()
        response = client.open(path, method=method.upper())
        got[visitor] = answer(response)
        with site.app.app_context():
            changed = snapshot() != before
        refused = got[visitor] in (LOGIN, 403, 404)
        if method == "get" or refused:
            assert not changed, f"{method.upper()} {path} by {visitor} ({got[visitor]}) changed rows"
        elif changed:
            world = site.fresh_world()  # an allowed write changed the world: the next visitor gets a fresh one
    assert got == expected


def test_every_route_has_an_entry(make_app):
    app = make_app()
    covered: dict[str, set[str]] = {}
    for case in ROUTES:
        covered.setdefault(case.endpoint, set()).update(m for m in ("get", "post") if getattr(case, m))
    missing = []
    for rule in app.url_map.iter_rules():
        methods = {m.lower() for m in rule.methods} - {"head", "options"}
        lacking = methods - covered.get(rule.endpoint, set())
        if lacking:
            missing.append(f"{rule.endpoint} {rule.rule} ({', '.join(sorted(lacking)).upper()})")
    assert not missing, "routes without a line in tests/test_routes_access.py ROUTES: " + "; ".join(missing)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(covered) <= endpoints, f"ROUTES names endpoints that no longer exist: {set(covered) - endpoints}"
