"""Program pages: the history lists what was written into each version; no page runs a query per
plank or per version (bench/bench_program_page.py measures their speed)."""
import re

from tests.factories import make_program
from tests.queries import count_queries
from tracker.extensions import db
from tracker.models import Proposal
from tracker.services import program as program_service

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
