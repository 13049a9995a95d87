"""Proposals: propose, co-sponsor, discuss (Markdown sanitised), withdraw; grouping for a ballot."""
import pytest

from tests.factories import make_member, make_members, make_program, make_proposal
from tracker.extensions import db
from tracker.models import AuditEvent, Cosponsor, Proposal
from tracker.services import proposals
from tracker.services.proposals import ProposalError


@pytest.fixture
def world(org):
    version = make_program(org, planks=3)
    return version, make_member(org), make_members(org, 4)


def test_a_member_proposes_each_kind(org, world):
    version, author, _ = world
    target = version.planks[0]
    new = proposals.propose(org, author, kind="new_plank", title="Free buses", body="No fares.\r\n", category="Transit")
    amend = proposals.propose(org, author, kind="amendment", target_plank=target, body="A better text.",
                              rationale="Because.")
    repeal = proposals.propose(org, author, kind="repeal", target_plank=version.planks[1])
    db.session.commit()
    assert (new.status, new.body, new.tier, new.version_id, new.target_plank_key) == ("open", "No fares.", "minimum",
                                                                                    version.id, None)
    assert (amend.title, amend.category, amend.tier, amend.target_plank_key) == (target.title, target.category,
                                                                                 target.tier, target.key)
    assert (repeal.kind, repeal.title, repeal.body) == ("repeal", version.planks[1].title, "")
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action.like("proposal.%"))).scalars().all()
    assert actions == ["proposal.create"] * 3


def test_an_amendment_anchored_to_printed_lines_stores_the_whole_new_text(org):
    version = make_program(org, planks=1)
    plank = version.planks[0]
    org_member = make_member(org)  # the plank's text ("Body of plank 1") prints on one line
    proposal = proposals.propose(org, org_member, kind="amendment", target_plank=plank, body="Changed body",
                                 line_from=1, line_to=1)
    assert proposal.body == "Changed body" and (proposal.line_from, proposal.line_to) == (1, 1)
    with pytest.raises(ProposalError, match="not in this plank, which has 1 line"):
        proposals.propose(org, org_member, kind="amendment", target_plank=plank, body="x", line_from=2, line_to=3)
    with pytest.raises(ProposalError, match="both the first and the last line"):
        proposals.propose(org, org_member, kind="amendment", target_plank=plank, body="x", line_from=1)


@pytest.mark.parametrize("fields, message", [
    ({"kind": "new_plank", "title": "T", "body": ""}, "Write the text"),
    ({"kind": "new_plank", "title": "", "body": "B"}, "Give the plank a title"),
    ({"kind": "amendment", "body": "B"}, "Choose the plank"),
    ({"kind": "new_plank", "title": "T", "body": "B", "tier": "medium"}, "tier is one of"),
    ({"kind": "bogus", "title": "T", "body": "B"}, "Unknown kind"),
    ({"kind": "new_plank", "title": "T" * 301, "body": "B"}, "under 300"),
])
def test_bad_proposals_are_refused_with_a_reason(org, world, fields, message):
    _, author, _ = world
    with pytest.raises(ProposalError, match=message):
        proposals.propose(org, author, **fields)


def test_an_amendment_identical_to_the_plank_is_refused(org, world):
    version, author, _ = world
    plank = version.planks[0]
    with pytest.raises(ProposalError, match="same as the plank's current text"):
        proposals.propose(org, author, kind="amendment", target_plank=plank, body=plank.body)


def test_cosponsors_once_each_never_the_author_and_only_while_open(org, world):
    _, author, others = world
    proposal = make_proposal(org, author)
    proposals.cosponsor(proposal, others[0])
    proposals.cosponsor(proposal, others[0])  # twice is once
    with pytest.raises(ProposalError, match="needs co-sponsors other than you"):
        proposals.cosponsor(proposal, author)
    assert proposals.cosponsor_count(proposal) == 1
    proposals.withdraw_cosponsorship(proposal, others[0])
    assert proposals.cosponsor_count(proposal) == 0
    proposals.withdraw(proposal, author)
    with pytest.raises(ProposalError, match="Only an open proposal"):
        proposals.cosponsor(proposal, others[1])


def test_only_the_author_withdraws(org, world):
    _, author, others = world
    proposal = make_proposal(org, author)
    with pytest.raises(ProposalError, match="Only the member who made a proposal"):
        proposals.withdraw(proposal, others[0])
    proposals.withdraw(proposal, author)
    assert proposal.status == "withdrawn" and proposal.decided_at is not None


def test_another_organization_cannot_cosponsor(org, world):
    from tests.factories import make_org
    _, author, _ = world
    stranger = make_member(make_org())
    proposal = make_proposal(org, author)
    with pytest.raises(ProposalError, match="Only active members of this organization"):
        proposals.cosponsor(proposal, stranger)


def test_discussion_replies_and_markdown_is_sanitised(org, world):
    _, author, others = world
    proposal = make_proposal(org, author)
    first = proposals.comment(proposal, others[0], "I **agree**. <script>alert(1)</script> [site](javascript:alert(1))")
    reply = proposals.comment(proposal, author, "Thanks", parent=first)
    assert reply.parent_id == first.id
    html = proposals.render_markdown(first.body)
    assert "<strong>agree</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html and "href=\"javascript" not in html
    linked = proposals.render_markdown("[ok](https://example.org) <img src=x onerror=alert(1)>")
    assert 'href="https://example.org"' in linked and 'rel="nofollow noopener"' in linked
    assert "<img" not in linked and "&lt;img" in linked  # raw HTML stays text
    assert "<h4>Big</h4>" in proposals.render_markdown("# Big")
    with pytest.raises(ProposalError, match="Write something first"):
        proposals.comment(proposal, author, "   ")
    other = make_proposal(org, author)
    with pytest.raises(ProposalError, match="only reply to a message of this discussion"):
        proposals.comment(other, author, "x", parent=first)


def test_ready_for_ballot_groups_competing_texts_for_one_plank(org, world):
    version, author, others = world
    plank = version.planks[0]
    backers = others[:3]
    a = make_proposal(org, author, kind="amendment", target_plank=plank, body="Text A", cosponsors=backers)
    b = make_proposal(org, others[3], kind="repeal", target_plank=plank, cosponsors=backers)
    alone = make_proposal(org, author, kind="amendment", target_plank=version.planks[1], body="Text C",
                          cosponsors=backers)
    new = make_proposal(org, author, cosponsors=backers)
    make_proposal(org, author, cosponsors=backers[:2])  # short of co-sponsors
    groups = proposals.ready_for_ballot(org, 3)
    assert sorted(([p.id for p in g.proposals], g.ranked) for g in groups) == sorted(
        [([a.id, b.id], True), ([alone.id], False), ([new.id], False)])
    assert db.session.execute(db.select(db.func.count()).select_from(Cosponsor)).scalar_one() == 14
    assert db.session.get(Proposal, a.id).status == "open"
