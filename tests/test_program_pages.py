"""Program pages: the adopted version (line numbers, anchors, hash), history, diffs, downloads,
proposals for members; no page runs a query per plank or per version (bench/bench_program_page.py
measures their speed); and no route of the app can change an adopted version."""
import hashlib
import json
import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_member, make_members, make_org, make_program, make_proposal
from tests.queries import count_queries
from tracker.extensions import db
from tracker.models import Plank, ProgramVersion, Proposal
from tracker.services import program, proposals
from tracker.services import program as program_service


def sign_in(client, member):
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302


def two_versions(org):
    """Version 1 adopted, version 2 (one plank changed, one added, one removed) adopted after it."""
    v1 = make_program(org, planks=3)
    draft = program.ensure_draft(org)
    author = make_member(org)
    changed = proposals.propose(org, author, kind="amendment", target_plank=v1.planks[0],
                                body="Body of plank one, now longer")
    added = proposals.propose(org, author, kind="new_plank", title="Fare-free buses", body="No fares.", category="Transit",
                              tier="maximum")
    removed = proposals.propose(org, author, kind="repeal", target_plank=v1.planks[1])
    for proposal in (changed, added, removed):
        program.apply_proposal(draft, proposal)
    program.adopt(draft)
    db.session.commit()
    return v1, draft


def test_the_program_page_shows_planks_by_tier_with_line_numbers_anchors_and_hash(client, org):
    version = make_program(org, planks=4)
    page = client.get("/program/").data.decode()
    assert "Minimum program" in page and "Maximum program" in page
    assert version.text_sha256 in page and "Version</dt><dd>1" in page
    for plank in version.planks:
        assert f'id="plank-{plank.key}"' in page and f'href="#plank-{plank.key}"' in page
        assert f'id="plank-{plank.key}-L1"' in page
    assert page.index("Minimum program") < page.index("Maximum program")
    assert "<script" not in page


def test_history_and_a_readable_diff_between_versions(client, org):
    v1, v2 = two_versions(org)
    history = client.get("/program/versions/").data.decode()
    assert "Version 2" in history and "Version 1" in history and "1 added, 1 removed, 1 changed" in history
    diff = client.get("/program/diff?from=1&to=2").data.decode()
    assert "<ins>Fare-free buses</ins>" not in diff  # the title of an added plank is shown whole, the body inserted
    assert "<ins>No fares.</ins>" in diff and "<del>Body of plank 2</del>" in diff
    assert "Body of plank <del>1</del><ins>one, now longer</ins>" in diff  # a word diff inside the changed plank
    assert client.get("/program/diff").status_code == 200  # defaults: the two latest versions
    assert client.get("/program/versions/1").status_code == 200


def test_downloads_carry_the_canonical_text_and_its_hash(client, org):
    version = make_program(org, planks=2)
    text = client.get("/program/versions/1.txt")
    assert hashlib.sha256(text.data).hexdigest() == version.text_sha256
    record = json.loads(client.get("/program/versions/1.json").data)
    assert record["sha256"] == version.text_sha256 and record["canonical_text"] == text.data.decode()
    assert client.get("/program/versions/1.md").data.decode().startswith("# Program version 1")
    assert client.get("/program/versions/1.exe").status_code == 404


def test_drafts_are_for_members_only(client, org):
    make_program(org, planks=1)
    draft = program.ensure_draft(org)
    db.session.commit()
    assert client.get(f"/program/versions/{draft.number}").status_code == 404
    assert client.get(f"/program/versions/{draft.number}.json").status_code == 404
    assert "Version 2" not in client.get("/program/versions/").data.decode()
    sign_in(client, make_member(org))
    assert "draft: not adopted yet" in client.get(f"/program/versions/{draft.number}").data.decode()


def test_an_empty_organization_gets_a_helpful_page(client, org):
    page = client.get("/program/").data.decode()
    assert "No program adopted yet" in page and "Propose the first plank" not in page
    sign_in(client, make_member(org))
    assert "Propose the first plank" in client.get("/program/").data.decode()


def test_proposals_need_a_signed_in_member(client, org):
    make_program(org, planks=1)
    for url in ("/program/proposals/", "/program/proposals/new"):
        assert client.get(url).status_code == 302
    assert client.post("/program/proposals/new", data={"kind": "new_plank", "title": "x", "body": "y"}).status_code == 302
    assert db.session.execute(select(Proposal)).first() is None


def test_a_member_proposes_discusses_and_cosponsors_through_the_pages(client, org):
    version = make_program(org, planks=2)
    author, backer = make_member(org), make_member(org)
    sign_in(client, author)
    response = client.post("/program/proposals/new", data={
        "kind": "amendment", "target_plank": str(version.planks[0].id), "body": "New words", "line_from": "1",
        "line_to": "1", "rationale": "Because *we* said so."})
    assert response.status_code == 302
    proposal = db.session.execute(select(Proposal)).scalar_one()
    page = client.get(f"/program/proposals/{proposal.id}").data.decode()
    assert "<del>" in page and "<ins>" in page and "<em>we</em>" in page and "Withdraw my proposal" in page
    client.post("/logout")
    sign_in(client, backer)
    client.post(f"/program/proposals/{proposal.id}/cosponsor")
    client.post(f"/program/proposals/{proposal.id}/comments", data={"body": "Good **idea**"})
    db.session.expire_all()
    first = db.session.get(Proposal, proposal.id).comments[0]
    client.post(f"/program/proposals/{proposal.id}/comments", data={"body": "A reply", "parent_id": str(first.id)})
    page = client.get(f"/program/proposals/{proposal.id}").data.decode()
    assert "Co-sponsors: 1 of 3" in page and "<strong>idea</strong>" in page and 'class="replies"' in page
    assert client.post(f"/program/proposals/{proposal.id}/withdraw").status_code == 302
    assert db.session.get(Proposal, proposal.id).status == "open"  # only the author withdraws


def test_another_organizations_proposal_is_not_found(client, org):
    make_program(org, planks=1)
    proposal = make_proposal(org, make_member(org))
    sign_in(client, make_member(make_org()))
    assert client.get(f"/program/proposals/{proposal.id}").status_code == 404
    assert client.post(f"/program/proposals/{proposal.id}/cosponsor").status_code == 404


def test_no_route_can_change_an_adopted_version(app, client, org):
    """Every write route of the app, posted as an admin with every id set to the adopted version's
    rows: the version's planks and hash stay exactly as they were."""
    version = make_program(org, planks=2)
    make_proposal(org, make_member(org), cosponsors=make_members(org, 3))
    sign_in(client, make_member(org, role="admin"))
    before = [(p.id, p.position, p.title, p.body, p.category, p.tier) for p in version.planks]
    sha = version.text_sha256
    values = {"number": version.number, "fmt": "json"}
    junk = {"title": "HACKED", "body": "HACKED", "category": "HACKED", "tier": "maximum", "text": "HACKED",
            "kind": "amendment", "target_plank": str(version.planks[0].id), "plank_id": str(version.planks[0].id),
            "version_id": str(version.id), "position": "9", "confirm": "y", "preamble": "HACKED"}
    posted = 0
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"GET", "HEAD", "OPTIONS"}
        if not methods or rule.endpoint == "static":
            continue
        for ident in (version.planks[0].id, version.id):
            args = {name: values.get(name, ident) for name in rule.arguments}
            try:
                url = app.url_for(rule.endpoint, **args)
            except Exception:  # a converter that does not take these values
                continue
            for method in methods:
                client.open(url, method=method, data=junk)
                posted += 1
    assert posted > 20
    db.session.expire_all()
    version = db.session.get(ProgramVersion, version.id)
    assert [(p.id, p.position, p.title, p.body, p.category, p.tier) for p in version.planks] == before
    assert version.text_sha256 == sha == program.sha256_text(program.version_text(version))
    assert version.status == "adopted"


PAGES = ["/program/", "/program/versions/", "/program/diff"]


def get(client, path: str):
    """A request in its own app context, as in production (the fixture's context would share
    ``g``, and with it the signed-in member and the organization, between clients)."""
    with client.application.app_context():
        return client.get(path)


def passed_proposals_into_draft(org, member, titles):
    """Write one new-plank proposal per title into the draft, as a ballot's close does."""
    draft = program_service.ensure_draft(org)
    for title in titles:
        proposal = Proposal(organization_id=org.id, kind="new_plank", title=title, body=f"The text of {title}.",
                            category="Transit", tier="minimum", status="on_ballot", proposed_by_id=member.id)
        db.session.add(proposal)
        db.session.flush()
        program_service.apply_proposal(draft, proposal)
    db.session.commit()
    return draft


def adopt_version(org, member, titles):
    draft = passed_proposals_into_draft(org, member, titles)
    program_service.adopt(draft)
    db.session.commit()
    return draft


def versions_sections(html: str) -> dict[int, str]:
    """The history page cut into one piece of HTML per version."""
    parts = re.split(r'<h2><a href="[^"]*/program/versions/(\d+)">', html)
    return {int(number): text for number, text in zip(parts[1::2], parts[2::2])}


def test_history_lists_the_proposals_written_into_each_version(client, org, login):
    member = login("member")
    make_program(org, planks=2)
    adopt_version(org, member, ["Free transit", "Public broadband"])
    adopt_version(org, member, ["Cooling centres"])
    passed_proposals_into_draft(org, member, ["Tenant unions"])
    sections = versions_sections(get(client, "/program/versions/").data.decode())
    assert sorted(sections) == [1, 2, 3, 4]
    assert "Proposals written into it" not in sections[1]
    assert "Free transit" in sections[2] and "Public broadband" in sections[2] and "Cooling centres" not in sections[2]
    assert "Cooling centres" in sections[3] and "Free transit" not in sections[3]
    assert "Tenant unions" in sections[4] and "Cooling centres" not in sections[4]
    anonymous = versions_sections(get(client.application.test_client(), "/program/versions/").data.decode())
    assert sorted(anonymous) == [1, 2, 3] and "Free transit" not in "".join(anonymous.values())


def page_statements(client) -> dict[str, list[str]]:
    statements = {}
    for page in PAGES:
        get(client, page)  # warm per-process caches (the ballots due check)
        with count_queries() as seen:
            assert get(client, page).status_code == 200
        statements[page] = seen
    return statements


def test_program_pages_run_the_same_queries_for_4_planks_or_26_and_2_versions_or_5(client, org, login):
    member = login("member")
    anonymous = client.application.test_client()
    make_program(org, planks=3)
    adopt_version(org, member, ["Free transit"])
    small = {"member": page_statements(client), "anonymous": page_statements(anonymous)}
    adopt_version(org, member, [f"Plank number {n}" for n in range(20)])
    latest = adopt_version(org, member, ["Public broadband", "Cooling centres"])
    passed_proposals_into_draft(org, member, ["Tenant unions"])
    assert len(latest.planks) == 26
    big = {"member": page_statements(client), "anonymous": page_statements(anonymous)}
    assert "Tenant unions" in get(client, "/program/versions/").data.decode()
    for who in ("member", "anonymous"):
        for page in PAGES:
            assert len(big[who][page]) == len(small[who][page]) <= 6, (who, page, [s[:80] for s in big[who][page]])


def test_the_program_reads_in_spanish_with_the_cookie_and_its_planks_stay_as_written(client, org):
    version = make_program(org, planks=4)
    client.get("/language/es")
    page = client.get("/program/").data.decode()
    assert '<html lang="es">' in page and "<h1>Nuestro programa</h1>" in page
    assert "Programa mínimo: demandas a corto plazo" in page and "Programa máximo: objetivos transformadores" in page
    assert "Descargas" in page and "texto canónico" in page and "Cómo votaron los cargos electos" in page
    assert ">mínimo</span>" in page and ">minimum</span>" not in page and "Our program" not in page
    for plank in version.planks:  # plank titles are the members' words, in whatever language they wrote them
        assert plank.title in page
    history = client.get("/program/versions/").data.decode()
    assert "<h1>Historial del programa</h1>" in history and "Versión 1" in history and "vigente" in history

    client.get("/language/en")
    english = client.get("/program/").data.decode()
    assert "<h1>Our program</h1>" in english and "Minimum program: near-term demands" in english
