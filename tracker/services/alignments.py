"""Alignments (roll call -> plank, the position that keeps it) and excused absences.

A member proposes; the committee approves, edits or rejects; only approved alignments count.
The committee marks an absence as excused (a reason is required); an excused absence never counts
against anyone. Every change writes an AuditEvent and, when it can change a score, recomputes
the organization's scores (through `rescore`, so pages always read fresh Score rows).
"""
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.models import Alignment, Excusal, Plank, RollCall, VotePosition
from tracker.models.base import utcnow
from tracker.services import audit, outbox, scores
from tracker.vocabulary import PRO_POSITIONS

EXCUSAL_REASONS = ("family", "medical", "disaster", "other")


class AlignmentError(ValueError):
    """A request the rules refuse (wrong organization, duplicate, missing reason...)."""


def _snapshot(alignment: Alignment) -> dict:
    return {"roll_call_id": alignment.roll_call_id, "plank_id": alignment.plank_id,
            "pro_position": alignment.pro_position, "weight": alignment.weight,
            "rationale": alignment.rationale, "status": alignment.status}


def _check(org, roll_call: RollCall, plank: Plank | None = None) -> None:
    if roll_call.organization_id != org.id or (plank is not None and plank.organization_id != org.id):
        raise AlignmentError(_("That roll call or plank belongs to another organization."))


def _validate(pro_position: str, weight: int, rationale: str) -> None:
    if pro_position not in PRO_POSITIONS:
        raise AlignmentError(_("The position that keeps the plank must be one of %(positions)s.", positions=", ".join(PRO_POSITIONS)))
    if not isinstance(weight, int) or weight < 1:
        raise AlignmentError(_("The weight must be a whole number, 1 or more (2 for a key vote)."))
    if not (rationale or "").strip():
        raise AlignmentError(_("Say why this vote keeps or breaks the plank (the rationale)."))


def rescore(org) -> dict:
    """Recompute the organization's stored scores (the scores service); returns its summary."""
    return scores.recompute(org)


def awaiting_decision(org, limit: int = 20) -> list[tuple[Alignment, RollCall, Plank]]:
    """Proposed alignments the committee has not decided yet, oldest first (one query)."""
    return db.session.execute(
        db.select(Alignment, RollCall, Plank).join(RollCall, RollCall.id == Alignment.roll_call_id)
        .join(Plank, Plank.id == Alignment.plank_id)
        .where(Alignment.organization_id == org.id, Alignment.status == "proposed")
        .order_by(Alignment.created_at, Alignment.id).limit(limit)).all()


def propose(org, roll_call: RollCall, plank: Plank, pro_position: str, weight: int, rationale: str,
            member) -> Alignment:
    """A member proposes that `roll_call` is scored on `plank`; it counts only once approved."""
    _check(org, roll_call, plank)
    _validate(pro_position, weight, rationale)
    existing = db.session.execute(db.select(Alignment).filter_by(roll_call_id=roll_call.id, plank_id=plank.id)
                                  ).scalar_one_or_none()
    if existing is not None:
        raise AlignmentError(_("This roll call is already linked to “%(title)s” (%(status)s).", title=plank.title,
                                             status=existing.status))
    alignment = Alignment(organization_id=org.id, roll_call_id=roll_call.id, plank_id=plank.id,
                          pro_position=pro_position, weight=weight, rationale=rationale.strip(),
                          status="proposed", proposed_by_id=member.id if member else None)
    db.session.add(alignment)
    db.session.flush()
    audit.record(org.id, "alignment.propose", alignment, after=_snapshot(alignment), member=member)
    db.session.commit()
    return alignment


def decide(org, alignment: Alignment, decision: str, member, *, pro_position: str | None = None,
           weight: int | None = None, rationale: str | None = None, note: str | None = None) -> Alignment:
    """The committee approves, edits (and thereby approves) or rejects an alignment, then rescores.

    `decision` is "approve", "edit" or "reject". An edit changes position, weight or rationale.
    """
    if alignment.organization_id != org.id:
        raise AlignmentError(_("That alignment belongs to another organization."))
    if decision not in ("approve", "edit", "reject"):
        raise AlignmentError(_("Unknown decision %(decision)s.", decision=repr(decision)))
    before = _snapshot(alignment)
    if decision == "edit":
        new_position = pro_position or alignment.pro_position
        new_weight = weight if weight is not None else alignment.weight
        new_rationale = rationale if rationale is not None else alignment.rationale
        _validate(new_position, new_weight, new_rationale)
        alignment.pro_position, alignment.weight, alignment.rationale = new_position, new_weight, new_rationale.strip()
        alignment.status = "approved"
    else:
        alignment.status = "approved" if decision == "approve" else "rejected"
    alignment.approved_by_id = member.id if member else None
    alignment.decided_at = utcnow()
    audit.record(org.id, f"alignment.{decision}", alignment, before=before, after=_snapshot(alignment),
                 note=note, member=member)
    if alignment.status == "approved" and before["status"] != "approved":
        outbox.roll_call_aligned(db.session.get(RollCall, alignment.roll_call_id),
                                 db.session.get(Plank, alignment.plank_id), alignment.pro_position)
    db.session.commit()
    rescore(org)
    db.session.commit()
    return alignment


def excuse(org, roll_call: RollCall, person_id: int, reason: str, member, detail: str = "") -> Excusal:
    """Mark a person's absence on a roll call as excused (family, medical, disaster...), then rescore."""
    _check(org, roll_call)
    reason_text = (reason or "").strip()
    if not reason_text:
        raise AlignmentError(_("A reason is required to excuse an absence."))
    if detail.strip():
        reason_text = f"{reason_text}: {detail.strip()}"
    voted = db.session.execute(db.select(VotePosition).filter_by(roll_call_id=roll_call.id, person_id=person_id)
                               ).scalar_one_or_none()
    if voted is None:
        raise AlignmentError(_("That person has no recorded position on this roll call."))
    excusal = db.session.execute(db.select(Excusal).filter_by(roll_call_id=roll_call.id, person_id=person_id)
                                 ).scalar_one_or_none()
    before = {"reason": excusal.reason} if excusal else None
    if excusal is None:
        excusal = Excusal(organization_id=org.id, roll_call_id=roll_call.id, person_id=person_id,
                          reason=reason_text[:500], created_by_id=member.id if member else None)
        db.session.add(excusal)
    else:
        excusal.reason = reason_text[:500]
    db.session.flush()
    audit.record(org.id, "excusal.set", excusal, before=before,
                 after={"roll_call_id": roll_call.id, "person_id": person_id, "reason": excusal.reason},
                 member=member)
    db.session.commit()
    rescore(org)
    db.session.commit()
    return excusal


def remove_excusal(org, excusal: Excusal, member) -> None:
    """Withdraw an excusal (the absence counts again under the absence policy), then rescore."""
    if excusal.organization_id != org.id:
        raise AlignmentError(_("That excusal belongs to another organization."))
    audit.record(org.id, "excusal.remove", excusal,
                 before={"roll_call_id": excusal.roll_call_id, "person_id": excusal.person_id,
                         "reason": excusal.reason}, member=member)
    db.session.delete(excusal)
    db.session.commit()
    rescore(org)
    db.session.commit()
