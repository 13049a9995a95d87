"""Proposals: members propose a change to the program, co-sponsor it and discuss it.

- ``propose`` writes a new plank, a new text for a plank (whole, or replacing some of its printed
  lines), or its removal, against the adopted version.
- ``cosponsor`` / ``withdraw_cosponsorship``: once a proposal has the organization's number of
  co-sponsors (``tracker.services.ballots.settings``), the committee may put it to a ballot.
- ``comment`` adds to its discussion (Markdown, rendered sanitised by ``render_markdown``).
- ``ballot_groups`` groups the proposals ready for a ballot: competing proposals for one plank
  go to one ranked question with "keep the current text".
Every write leaves an AuditEvent; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import nh3
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from sqlalchemy import func

from tracker import program_text
from tracker.extensions import db
from tracker.models import Cosponsor, Member, Organization, Plank, Proposal, ProposalComment
from tracker.models.base import utcnow
from tracker.services import audit, outbox
from tracker.services import program as program_service
from tracker.vocabulary import PLANK_TIERS, PROPOSAL_KINDS

MAX_TITLE = 300
MAX_BODY = 20_000
MAX_COMMENT = 10_000


class ProposalError(ValueError):
    """The proposal cannot take this step; the message says why, for the member in front of it."""


def _check_member(organization: Organization, member: Member) -> None:
    if member.organization_id != organization.id or not member.active:
        raise ProposalError(_("Only active members of this organization can do this."))


def propose(organization: Organization, member: Member, *, kind: str, title: str = "", body: str = "",
            target_plank: Plank | None = None, category: str | None = None, tier: str | None = None,
            rationale: str = "", line_from: int | None = None, line_to: int | None = None,
            now: datetime | None = None) -> Proposal:
    """A new open proposal. For an amendment with ``line_from``/``line_to`` the ``body`` is the
    replacement of those printed lines, and the proposal stores the plank's whole new text."""
    _check_member(organization, member)
    if kind not in PROPOSAL_KINDS:
        raise ProposalError(_("Unknown kind of proposal %(kind)s.", kind=repr(kind)))
    current = program_service.adopted_version(organization.id)
    title, body = (title or "").strip(), program_text.normalize(body)
    rationale = program_text.normalize(rationale)
    if kind != "new_plank":
        if target_plank is None or current is None or target_plank.version_id != current.id:
            raise ProposalError(_("Choose the plank of the adopted program that this proposal changes."))
        title = title or target_plank.title
        category = category or target_plank.category
        tier = tier or target_plank.tier
    if kind == "repeal":
        body = body or ""
        title = target_plank.title
    elif kind == "amendment" and (line_from or line_to):
        if not (line_from and line_to):
            raise ProposalError(_("Give both the first and the last line to replace, or neither."))
        if not body:
            raise ProposalError(_("Write the text that replaces those lines."))
        try:
            body = program_text.replace_lines(target_plank.body, line_from, line_to, body)
        except ValueError as error:
            raise ProposalError(str(error)) from None
    if kind != "repeal" and not body:
        raise ProposalError(_("Write the text of the plank."))
    if not title:
        raise ProposalError(_("Give the plank a title."))
    if len(title) > MAX_TITLE or len(body) > MAX_BODY or len(rationale) > MAX_BODY:
        raise ProposalError(_("Keep the title under %(title)s and the texts under %(body)s characters.", title=MAX_TITLE,
                                body=format(MAX_BODY, ",")))
    if tier is not None and tier not in PLANK_TIERS:
        raise ProposalError(_("The tier is one of %(tiers)s.", tiers=", ".join(PLANK_TIERS)))
    if kind == "amendment" and target_plank is not None and (title, body, category, tier) == (
            target_plank.title, target_plank.body, target_plank.category, target_plank.tier):
        raise ProposalError(_("This text is the same as the plank's current text."))
    proposal = Proposal(organization_id=organization.id, version_id=current.id if current else None, kind=kind,
                        target_plank_id=target_plank.id if target_plank else None,
                        target_plank_key=target_plank.key if target_plank else None, title=title, body=body,
                        category=(category or "").strip() or None, tier=tier or ("minimum" if kind == "new_plank" else None),
                        line_from=line_from, line_to=line_to, rationale=rationale or None, status="open",
                        proposed_by_id=member.id, created_at=now or utcnow())
    db.session.add(proposal)
    db.session.flush()
    audit.record(organization.id, "proposal.create", proposal, member=member,
                 after={"kind": kind, "title": title, "target": proposal.target_plank_key})
    return proposal


def cosponsor_count(proposal: Proposal) -> int:
    return db.session.execute(db.select(func.count()).select_from(Cosponsor)
                              .where(Cosponsor.proposal_id == proposal.id)).scalar_one()


def cosponsor(proposal: Proposal, member: Member, now: datetime | None = None) -> Cosponsor:
    """Back an open proposal (once; not one's own)."""
    _check_member(proposal_organization(proposal), member)
    if proposal.status != "open":
        raise ProposalError(_("Only an open proposal can gather co-sponsors."))
    if proposal.proposed_by_id == member.id:
        raise ProposalError(_("You proposed this: it needs co-sponsors other than you."))
    existing = db.session.get(Cosponsor, (proposal.id, member.id))
    if existing is not None:
        return existing
    row = Cosponsor(organization_id=proposal.organization_id, proposal_id=proposal.id, member_id=member.id,
                    created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record(proposal.organization_id, "proposal.cosponsor", proposal, member=member)
    return row


def withdraw_cosponsorship(proposal: Proposal, member: Member) -> None:
    if proposal.status != "open":
        raise ProposalError(_("This proposal is no longer open: its co-sponsors are fixed."))
    row = db.session.get(Cosponsor, (proposal.id, member.id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()
        audit.record(proposal.organization_id, "proposal.uncosponsor", proposal, member=member)


def withdraw(proposal: Proposal, member: Member, now: datetime | None = None) -> None:
    """The proposer withdraws an open proposal."""
    if proposal.proposed_by_id != member.id:
        raise ProposalError(_("Only the member who made a proposal can withdraw it."))
    if proposal.status != "open":
        raise ProposalError(_("Only an open proposal can be withdrawn (this one is already on a ballot or decided)."))
    proposal.status = "withdrawn"
    proposal.decided_at = now or utcnow()
    audit.record(proposal.organization_id, "proposal.withdraw", proposal, member=member)
    outbox.proposal_changed(proposal, outbox.N_("was withdrawn by its author"))


def comment(proposal: Proposal, member: Member, body: str, parent: ProposalComment | None = None,
            now: datetime | None = None) -> ProposalComment:
    """Add a message (Markdown) to the proposal's discussion, optionally as a reply."""
    _check_member(proposal_organization(proposal), member)
    body = program_text.normalize(body)
    if not body:
        raise ProposalError(_("Write something first."))
    if len(body) > MAX_COMMENT:
        raise ProposalError(_("Keep a message under %(length)s characters.", length=format(MAX_COMMENT, ",")))
    if parent is not None and parent.proposal_id != proposal.id:
        raise ProposalError(_("You can only reply to a message of this discussion."))
    row = ProposalComment(organization_id=proposal.organization_id, proposal_id=proposal.id, member_id=member.id,
                          parent_id=parent.id if parent else None, body=body, created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record(proposal.organization_id, "proposal.comment", proposal, member=member, after={"comment": row.id})
    return row


def proposal_organization(proposal: Proposal) -> Organization:
    return db.session.get(Organization, proposal.organization_id)


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
_ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4",
                 "table", "thead", "tbody", "tr", "th", "td", "hr"}


def render_markdown(text: str) -> str:
    """Markdown as safe HTML: raw HTML is not interpreted, the output is cleaned by nh3 (only
    simple formatting tags; links get rel="nofollow noopener"; no scripts, no event handlers)."""
    html = _markdown.render(text or "")
    # Headings inside a message must not outrank the page's own headings.
    for level in ("1", "2"):
        html = html.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")


@dataclass
class ProposalGroup:
    """Proposals that go to one question: one alone (yes/no) or competing texts for one plank (ranked)."""

    plank_key: str | None
    proposals: list[Proposal]

    @property
    def ranked(self) -> bool:
        return len(self.proposals) > 1


def ready_for_ballot(organization: Organization, needed: int) -> list[ProposalGroup]:
    """Open proposals with at least ``needed`` co-sponsors, grouped by the plank they change."""
    counts = (db.select(Cosponsor.proposal_id, func.count().label("n")).group_by(Cosponsor.proposal_id).subquery())
    proposals = db.session.execute(
        db.select(Proposal).outerjoin(counts, counts.c.proposal_id == Proposal.id)
        .where(Proposal.organization_id == organization.id, Proposal.status == "open",
               func.coalesce(counts.c.n, 0) >= needed)
        .order_by(Proposal.id)).scalars().all()
    groups: dict[str, ProposalGroup] = {}
    singles = []
    for proposal in proposals:
        if proposal.kind == "new_plank":
            singles.append(ProposalGroup(None, [proposal]))
        else:
            groups.setdefault(proposal.target_plank_key, ProposalGroup(proposal.target_plank_key, [])).proposals.append(proposal)
    return list(groups.values()) + singles
