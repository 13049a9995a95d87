"""Pledges: the committee issues one to a candidate, the candidate signs it through a link.

- ``issue`` writes the exact text (the commitment, then the program version's own canonical text,
  whose SHA-256 it quotes), its SHA-256, the clauses with their parameters, and a signing link.
  Only the SHA-256 of the link's token is stored; the link expires and works once.
- ``sign`` (the candidate, no account) or ``record_paper_signature`` (the committee, for a pledge
  signed on paper) makes it ``signed``; from then on the money clauses judge the candidate's
  receipts dated from the signing day (services/flags.py).
- Every step leaves an AuditEvent. Anyone can check a signed pledge: the page offers the exact text
  as a file, and its SHA-256 is printed beside it.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import money
from tracker.extensions import db
from tracker.models import Endorsement, Organization, Person, Pledge, PledgeClause, ProgramVersion
from tracker.services import audit, flags, outbox
from tracker.services import program as program_service

LINK_DAYS = 30
MONEY_CLAUSE_TEXT = {
    "no_corporate_pac": "to accept no contribution from a corporate PAC (a political action committee "
                        "connected to a corporation)",
    "no_corporate_money": "to accept no corporate money: no contribution from a corporation or from a "
                          "corporate, trade-association or cooperative PAC",
    "no_fossil_fuel_money": "to accept no more than ${threshold} per election cycle from any PAC, executive "
                            "or lobbyist of a fossil fuel company on the organization's company list",
}


class PledgeError(ValueError):
    """The pledge cannot take this step (the message says why, for the person in front of it)."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def pledge_text(org: Organization, person: Person, version: ProgramVersion, money_clauses: dict[str, dict]) -> str:
    """The exact text the candidate signs (deterministic for the same inputs)."""
    lines = [f"I, {person.name}, pledge to the members of {org.name}:",
             "",
             f"- to support program version {version.number} (SHA-256 {version.text_sha256}), reproduced below;"]
    for kind in money.CLAUSE_DEFAULTS:
        if kind in money_clauses:
            params = money.clause_params(kind, money_clauses[kind])
            wording = MONEY_CLAUSE_TEXT[kind].replace("{threshold}", f"{params.get('threshold', 200):,}")
            lines.append(f"- {wording}, counting from the day I sign; a contribution I return within "
                         f"{params['cure_days']} days of receiving it does not break this pledge.")
    lines += ["", "I understand that the organization will publish my votes and the contributions I report, "
              f"scored against this pledge, after telling me of any flag and giving me "
              f"{_notice_days(money_clauses)} days to answer.", "", "---", ""]
    return "\n".join(lines) + program_service.version_text(version)


def _notice_days(money_clauses: dict[str, dict]) -> int:
    days = [int(money.clause_params(kind, params)["notice_days"]) for kind, params in money_clauses.items()]
    return min(days) if days else int(money.CLAUSE_DEFAULTS["no_corporate_money"]["notice_days"])


def issue(org: Organization, person: Person, version: ProgramVersion, money_clauses: dict[str, dict],
          actor=None, now: datetime | None = None, link_days: int = LINK_DAYS) -> tuple[Pledge, str]:
    """A pending pledge with its clauses and a signing link; returns (pledge, the link's token).

    The token is returned once and never stored."""
    now = now or _now()
    if person.organization_id != org.id or version.organization_id != org.id:
        raise PledgeError(_("The person and the program version must belong to this organization."))
    if version.status != "adopted":
        raise PledgeError(_("Program version %(number)s is not adopted: only an adopted version can be pledged to.", number=version.number))
    for kind, params in money_clauses.items():
        money.clause_params(kind, params)  # unknown clause or bad parameter: ValueError, before anything is written
    endorsement = db.session.execute(select(Endorsement).where(
        Endorsement.person_id == person.id, Endorsement.decision == "endorsed")
        .order_by(Endorsement.election_on.desc().nulls_last(), Endorsement.id.desc()).limit(1)).scalar_one_or_none()
    if endorsement is None:
        raise PledgeError(_("%(name)s is not an endorsed candidate: only endorsed candidates are sent the pledge "
                            "(the endorsement ballot decides first).", name=person.name))
    open_pledge = db.session.execute(select(Pledge).where(
        Pledge.person_id == person.id, Pledge.status.in_(("pending", "signed", "broken")))).scalars().first()
    if open_pledge is not None:
        raise PledgeError(_("%(name)s already has a %(status)s pledge; withdraw it before issuing another.", name=person.name,
                           status=open_pledge.status))
    text = pledge_text(org, person, version, money_clauses)
    token = secrets.token_urlsafe(32)
    pledge = Pledge(organization_id=org.id, person_id=person.id, program_version_id=version.id,
                    endorsement_id=endorsement.id, text=text,
                    text_sha256=program_service.sha256_text(text), status="pending",
                    signing_token_hash=token_hash(token), token_expires_at=now + timedelta(days=link_days))
    db.session.add(pledge)
    db.session.flush()
    db.session.add(PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind="plank_support"))
    for kind, params in money_clauses.items():
        db.session.add(PledgeClause(organization_id=org.id, pledge_id=pledge.id, kind=kind, params=params or None))
    audit.record(org.id, "pledge.issued", pledge, member=actor,
                 after={"person": person.name, "version": version.number, "clauses": sorted(money_clauses),
                        "text_sha256": pledge.text_sha256, "link_expires": pledge.token_expires_at.isoformat()})
    db.session.flush()
    return pledge, token


def by_token(token: str) -> Pledge | None:
    if not token:
        return None
    return db.session.execute(select(Pledge).where(Pledge.signing_token_hash == token_hash(token))).scalar_one_or_none()


def link_problem(pledge: Pledge | None, now: datetime | None = None) -> str | None:
    """Why a signing link cannot be used, or None when it can."""
    now = now or _now()
    if pledge is None:
        return "This signing link is not valid. Ask the endorsement committee for a new one."
    if pledge.token_used_at is not None or pledge.status != "pending":
        return "This pledge has already been signed (a signing link works once)."
    if pledge.token_expires_at is not None and pledge.token_expires_at < now:
        return "This signing link has expired. Ask the endorsement committee for a new one."
    return None


def sign(token: str, signed_name: str, now: datetime | None = None) -> Pledge:
    """The candidate signs through their link with their full name; money clauses apply from now."""
    now = now or _now()
    pledge = by_token(token)
    problem = link_problem(pledge, now)
    if problem:
        raise PledgeError(problem)
    signed_name = " ".join((signed_name or "").split())
    if not signed_name:
        raise PledgeError(_("Type your full name to sign."))
    pledge.status, pledge.signed_name, pledge.signed_at, pledge.token_used_at = "signed", signed_name, now, now
    audit.record(pledge.organization_id, "pledge.signed", pledge, label="signing link",
                 after={"signed_name": signed_name, "signed_at": now.isoformat(), "text_sha256": pledge.text_sha256})
    flags.evaluate_person(pledge.person, now=now)
    db.session.flush()
    return pledge


def record_paper_signature(pledge: Pledge, signed_name: str, signed_at: datetime, actor=None) -> Pledge:
    """The committee records a pledge signed on paper (the link, if unused, stops working)."""
    if pledge.status != "pending":
        raise PledgeError(_("This pledge is already %(status)s.", status=pledge.status))
    signed_name = " ".join((signed_name or "").split())
    if not signed_name:
        raise PledgeError(_("Give the name as signed."))
    pledge.status, pledge.signed_name, pledge.signed_at = "signed", signed_name, signed_at
    pledge.token_used_at = _now()
    audit.record(pledge.organization_id, "pledge.signed", pledge, member=actor,
                 after={"signed_name": signed_name, "signed_at": signed_at.isoformat(), "on": "paper",
                        "text_sha256": pledge.text_sha256})
    flags.evaluate_person(pledge.person)
    db.session.flush()
    return pledge


def withdraw(pledge: Pledge, actor=None, reason: str = "") -> Pledge:
    """End a pledge (e.g. the candidate left the race); its record stays, the link stops working."""
    if pledge.status == "withdrawn":
        return pledge
    before = pledge.status
    pledge.status = "withdrawn"
    pledge.token_used_at = pledge.token_used_at or _now()
    audit.record(pledge.organization_id, "pledge.withdrawn", pledge, member=actor, before={"status": before},
                 after={"status": "withdrawn"}, note=reason or None)
    outbox.pledge_withdrawn(pledge, reason)
    db.session.flush()
    return pledge


def clause_sentence(kind: str, params: dict | None) -> str:
    """A pledge clause and its parameters as sentences for the public pages (no parameter names):
    {"include_executives": False} reads "Money from company executives is shown as a warning, ..."."""
    if kind == "plank_support":
        return "Support every plank of the program version this pledge names."
    if kind not in MONEY_CLAUSE_TEXT:
        return kind.replace("_", " ").capitalize() + "."
    params = money.clause_params(kind, params)
    wording = MONEY_CLAUSE_TEXT[kind].replace("{threshold}", f"{params.get('threshold', 200):,}")
    wording = wording.removeprefix("to ")  # the pledge text reads "I pledge ... to accept"
    sentences = [wording[0].upper() + wording[1:] + ", counting from the day of signing."]
    if kind == "no_corporate_money":
        sentences.append("Money from company executives counts as corporate money." if params.get("include_executives")
                         else "Money from company executives is shown as a warning, not as a break of the pledge.")
    if kind == "no_fossil_fuel_money":
        if params.get("comparator") == "gte":
            sentences[0] = sentences[0].replace("no more than", "less than")
        if params.get("aggregation") == "per_contribution":
            sentences[0] = sentences[0].replace("per election cycle", "in any one contribution")
        sentences.append("Every employee of a listed company counts, not only its executives and lobbyists."
                         if params.get("include_employees") else "Executives and lobbyists of listed companies count; other employees do not.")
        companies = len(params.get("company_list") or [])
        if companies:
            sentences.append(f"The list names {companies} compan{'y' if companies == 1 else 'ies'}.")
    sentences.append(f"A contribution returned within {params['cure_days']} days of receiving it does not break "
                     "this pledge.")
    sentences.append(f"A flag is published {params['notice_days']} days after the candidate is told of it.")
    return " ".join(sentences)
