"""Program versions: drafts, proposals written into them, adoption, the canonical text and exports.

- ``version_text`` is the canonical text of a version (``tracker.program_text`` documents it); its
  SHA-256 is fixed at adoption, and pledges quote it.
- A passed proposal is written into the *draft*: the next version, copied from the adopted one
  the first time something passes (``ensure_draft``, ``apply_proposal``).
- ``adopt`` turns the draft into the next adopted version: the hash is fixed, the previous
  version is superseded, and the alignments of planks the new version carries (same key) follow
  them, so scores continue. From then on nothing can change it (models refuse it at flush).
"""
from __future__ import annotations

import json
import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func

from tracker import program_text
from tracker.extensions import db
from tracker.models import (Alignment, ImmutableVersionError, Organization, Plank, Program, ProgramVersion,
                            Proposal)
from tracker.models.base import utcnow
from tracker.program_text import PlankText
from tracker.services import audit

__all__ = ["ImmutableVersionError", "ProgramError", "version_text", "sha256_text", "adopt", "ensure_draft",
           "apply_proposal", "diff", "export_version"]


class ProgramError(ValueError):
    """The program cannot take this step; the message says why."""


def plank_texts(version: ProgramVersion) -> list[PlankText]:
    return [PlankText(p.key, p.position, p.title, p.category, p.tier, p.body) for p in version.planks]


def version_text(version: ProgramVersion) -> str:
    """The canonical text of a version (format: ``tracker.program_text``)."""
    return program_text.canonical_text(version.number, version.preamble, plank_texts(version))


def sha256_text(text: str) -> str:
    return program_text.sha256_hex(text)


def adopted_version(organization_id: int) -> ProgramVersion | None:
    """The organization's current (newest adopted) version."""
    return db.session.execute(
        db.select(ProgramVersion).filter_by(organization_id=organization_id, status="adopted")
        .order_by(ProgramVersion.number.desc()).limit(1)).scalar_one_or_none()


def draft_version(organization_id: int) -> ProgramVersion | None:
    return db.session.execute(
        db.select(ProgramVersion).filter_by(organization_id=organization_id, status="draft")
        .order_by(ProgramVersion.number.desc()).limit(1)).scalar_one_or_none()


def version_by_number(organization_id: int, number: int) -> ProgramVersion | None:
    return db.session.execute(db.select(ProgramVersion).filter_by(organization_id=organization_id, number=number)
                              .limit(1)).scalar_one_or_none()


def ensure_draft(organization: Organization, actor=None, now: datetime | None = None) -> ProgramVersion:
    """The draft of the next version, created on first need as a copy of the adopted version
    (same plank keys, so the diff and the scores can follow each plank)."""
    draft = draft_version(organization.id)
    if draft is not None:
        return draft
    program = db.session.execute(db.select(Program).filter_by(organization_id=organization.id)
                                 .order_by(Program.id).limit(1)).scalar_one_or_none()
    if program is None:
        program = Program(organization_id=organization.id, title=f"{organization.name} program")
        db.session.add(program)
        db.session.flush()
    current = adopted_version(organization.id)
    number = (db.session.execute(db.select(func.max(ProgramVersion.number))
                                 .where(ProgramVersion.program_id == program.id)).scalar_one() or 0) + 1
    draft = ProgramVersion(organization_id=organization.id, program_id=program.id, number=number,
                           preamble=current.preamble if current else None,
                           based_on_id=current.id if current else None, created_at=now or utcnow())
    db.session.add(draft)
    db.session.flush()
    for plank in (current.planks if current else []):
        db.session.add(Plank(organization_id=organization.id, version_id=draft.id, position=plank.position,
                             title=plank.title, body=plank.body, category=plank.category, tier=plank.tier,
                             key=plank.key))
    db.session.flush()
    db.session.refresh(draft)
    audit.record(organization.id, "program.draft", draft, member=actor, label="system",
                 after={"number": number, "based_on": current.number if current else None})
    return draft


def new_plank_key(organization_id: int, title: str) -> str:
    """A key no plank of the organization has used: the title's words, then a number if taken."""
    stem = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:60] or "plank"
    taken = set(db.session.execute(db.select(Plank.key).where(Plank.organization_id == organization_id,
                                                              Plank.key.like(f"{stem}%"))).scalars())
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def _renumber(draft: ProgramVersion) -> None:
    """Positions 1..n in the current order (two passes: positions are unique per version)."""
    planks = sorted(draft.planks, key=lambda p: p.position)
    for index, plank in enumerate(planks, start=1):
        plank.position = -index
    db.session.flush()
    for plank in planks:
        plank.position = -plank.position
    db.session.flush()


def apply_proposal(draft: ProgramVersion, proposal: Proposal, actor=None) -> str:
    """Write a passed proposal into the draft; returns what was done, in words.

    A new plank goes at the end of its category (or of the program); an amendment replaces the
    plank's title, text, category and tier; a repeal removes the plank and closes the gap."""
    if draft.status != "draft":
        raise ImmutableVersionError(_("Program version %(number)s is adopted: proposals go into a draft.", number=draft.number))
    by_key = {plank.key: plank for plank in draft.planks}
    if proposal.kind == "new_plank":
        category = proposal.category or "General"
        same = [p.position for p in draft.planks if p.category == category]
        position = (max(same) if same else max([p.position for p in draft.planks], default=0)) + 1
        for plank in sorted(draft.planks, key=lambda p: -p.position):
            if plank.position >= position:
                plank.position = -(plank.position + 1)  # out of the way first: positions are unique
        db.session.flush()
        for plank in draft.planks:
            if plank.position < 0:
                plank.position = -plank.position
        plank = Plank(organization_id=draft.organization_id, version_id=draft.id, position=position,
                      title=proposal.title, body=program_text.normalize(proposal.body), category=category,
                      tier=proposal.tier or "minimum", key=new_plank_key(draft.organization_id, proposal.title))
        db.session.add(plank)
        db.session.flush()
        db.session.refresh(draft)
        done = f"added plank {position}, {proposal.title!r}"
    else:
        plank = by_key.get(proposal.target_plank_key or "")
        if plank is None:
            raise ProgramError(_("The plank this proposal changes (%(key)s) is no longer in draft version %(number)s.",
                                 key=proposal.target_plank_key, number=draft.number))
        if proposal.kind == "repeal":
            db.session.delete(plank)
            db.session.flush()
            db.session.refresh(draft)
            _renumber(draft)
            done = f"removed plank {plank.title!r}"
        else:
            plank.title = proposal.title or plank.title
            plank.body = program_text.normalize(proposal.body)
            plank.category = proposal.category or plank.category
            plank.tier = proposal.tier or plank.tier
            db.session.flush()
            done = f"new text for plank {plank.position}, {plank.title!r}"
    proposal.status = "passed"
    proposal.applied_version_id = draft.id
    audit.record(draft.organization_id, "program.apply", proposal, member=actor, label="system",
                 after={"draft": draft.number, "done": done})
    return done


def adopt(version: ProgramVersion, adopted_at: datetime | None = None, actor=None) -> ProgramVersion:
    """Freeze a draft: fix its text hash, mark it adopted, supersede the version before it, and
    carry the alignments of the planks it keeps (same key) over to its planks."""
    if version.status != "draft":
        raise ImmutableVersionError(_("Version %(number)s is already %(status)s.", number=version.number, status=version.status))
    if not version.planks:
        raise ProgramError(_("Draft version %(number)s has no planks: there is nothing to adopt.", number=version.number))
    previous = [v for v in db.session.execute(
        db.select(ProgramVersion).filter_by(organization_id=version.organization_id, status="adopted")).scalars()]
    version.text_sha256 = sha256_text(version_text(version))
    version.status = "adopted"
    version.adopted_on = adopted_at or utcnow()
    moved = 0
    new_by_key = {plank.key: plank.id for plank in version.planks}
    for old in previous:
        old.status = "superseded"
        for plank in old.planks:
            target = new_by_key.get(plank.key)
            if target is None:
                continue  # a plank the members removed keeps its alignments (scored as they were cast)
            moved += db.session.execute(db.update(Alignment).where(Alignment.plank_id == plank.id)
                                        .values(plank_id=target)).rowcount
    db.session.execute(db.update(Proposal).where(Proposal.applied_version_id == version.id,
                                                 Proposal.status == "passed").values(status="adopted"))
    audit.record(version.organization_id, "program.adopt", version, member=actor, label="system",
                 after={"number": version.number, "sha256": version.text_sha256,
                        "superseded": [v.number for v in previous], "alignments_carried": moved})
    return version


def diff(old: ProgramVersion | None, new: ProgramVersion) -> list[program_text.PlankChange]:
    """Planks added, removed, moved and changed from ``old`` to ``new`` (matched by key)."""
    return program_text.version_diff(plank_texts(old) if old else [], plank_texts(new))


def diff_summary(changes: list[program_text.PlankChange]) -> dict[str, int]:
    """How many planks were added, removed, changed and moved."""
    return {kind: sum(kind in change.kinds for change in changes) for kind in ("added", "removed", "changed", "moved")}


def version_record(version: ProgramVersion) -> dict:
    """The JSON export: anyone can recompute sha256 from canonical_text (UTF-8)."""
    text = version_text(version)
    return {
        "version": version.number,
        "status": version.status,
        "adopted_at": version.adopted_on.isoformat() if version.adopted_on else None,
        "preamble": version.preamble,
        "planks": [{"position": p.position, "key": p.key, "title": p.title, "category": p.category,
                    "tier": p.tier, "body": p.body} for p in sorted(version.planks, key=lambda p: p.position)],
        "canonical_text": text,
        "sha256": sha256_text(text),
    }


def version_markdown(version: ProgramVersion) -> str:
    """A readable Markdown copy: planks under their category, with the hash of the canonical text."""
    record = version_record(version)
    lines = [f"# Program version {version.number}", ""]
    if version.adopted_on:
        lines += [f"Adopted {version.adopted_on:%Y-%m-%d}. SHA-256 of the canonical text: `{record['sha256']}`", ""]
    else:
        lines += [f"Draft ({version.status}); not adopted.", ""]
    if version.preamble:
        lines += [version.preamble.strip(), ""]
    category = None
    for plank in record["planks"]:
        if plank["category"] != category:
            category = plank["category"]
            lines += [f"## {category}", ""]
        lines += [f"### {plank['position']}. {plank['title']} ({plank['tier']})", "", plank["body"], ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def export_version(version: ProgramVersion, fmt: str) -> str:
    """The version as ``markdown`` or ``json`` text."""
    if fmt == "json":
        return json.dumps(version_record(version), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return version_markdown(version)
    raise ProgramError(_("Unknown format %(fmt)s: choose markdown or json.", fmt=repr(fmt)))
