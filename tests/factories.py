"""Factory functions with keyword defaults: make_x(org, **overrides) adds, flushes and returns."""
import itertools
from datetime import date

from tracker.extensions import db
from tracker.models import (Body, Member, Organization, Person, PersonIdentifier, Plank, Program,
                            ProgramVersion, RollCall, Term)

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def _add(row):
    db.session.add(row)
    db.session.flush()
    return row


def make_org(**kw) -> Organization:
    n = next(_seq)
    org = _add(Organization(**{"slug": f"org-{n}", "name": f"Organization {n}", **kw}))
    db.session.commit()
    return org


def make_member(org, role="member", password=PASSWORD, **kw) -> Member:
    n = next(_seq)
    member = Member(**{"organization_id": org.id, "email": f"m{n}@example.org", "name": f"Member {n}",
                       "role": role, **kw})
    member.set_password(password)
    _add(member)
    db.session.commit()
    return member


def make_body(org, **kw) -> Body:
    return _add(Body(**{"organization_id": org.id, "name": f"Council {next(_seq)}", "seats": 7, **kw}))


def make_person(org, name=None, ids: dict | None = None, **kw) -> Person:
    name = name or f"Person {next(_seq)}"
    person = _add(Person(**{"organization_id": org.id, "name": name, "sort_name": name, **kw}))
    for scheme, value in (ids or {}).items():
        _add(PersonIdentifier(organization_id=org.id, person_id=person.id, scheme=scheme, value=value))
    return person


def make_term(org, person, body, start_on=date(2020, 1, 1), end_on=None, **kw) -> Term:
    return _add(Term(**{"organization_id": org.id, "person_id": person.id, "body_id": body.id,
                        "start_on": start_on, "end_on": end_on, **kw}))


def make_roll_call(org, body, voted_on=date(2024, 3, 1), **kw) -> RollCall:
    n = next(_seq)
    return _add(RollCall(**{"organization_id": org.id, "body_id": body.id, "voted_on": voted_on, "source": "test",
                            "source_id": f"rc-{n}", "title": f"Motion {n}", **kw}))


def make_program(org, planks: int = 3, adopt: bool = True, titles: list[str] | None = None) -> ProgramVersion:
    from tracker.services import program as program_service
    program = _add(Program(organization_id=org.id, title="Program"))
    version = _add(ProgramVersion(organization_id=org.id, program_id=program.id, number=1))
    for position in range(1, planks + 1):
        _add(Plank(organization_id=org.id, version_id=version.id, position=position,
                   title=titles[position - 1] if titles and position <= len(titles) else f"Plank {position}",
                   body=f"Body of plank {position}", category="Housing" if position % 2 else "Labor",
                   tier="minimum" if position % 3 else "maximum", key=f"p{position}"))
    db.session.refresh(version)
    if adopt:
        program_service.adopt(version)
    db.session.commit()
    return version


# --- scorecards helper: a stored Score for page tests that need a value the scoring core would not
# produce from simple data (pages read Score rows, never compute them).
def make_score(org, person, scope="overall", window="lifetime", score=None, counted=0, crucial_only=False, **kw):
    """A stored Score in the scoring core's format; no `score` means insufficient_data."""
    from decimal import ROUND_HALF_UP, Decimal
    from tracker.models import Score
    exact = Decimal(str(score)).quantize(Decimal("0.01")) if score is not None else None
    plank_id = int(scope.split(":")[1]) if scope.startswith("plank:") else None
    fields = {
        "organization_id": org.id, "person_id": person.id, "scope": scope, "plank_id": plank_id, "window": window,
        "crucial_only": crucial_only, "score_exact": exact,
        "score_display": int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP)) if exact is not None else None,
        "status": "ok" if exact is not None else "insufficient_data", "counted": counted,
        "rule_set": "absence=exclude;min=4;overall=pooled",
        "details": {"rule_set": "absence=exclude;min=4;overall=pooled", "rules": [], "numerator": None,
                    "denominator": None, "votes": {}}, **kw}
    return _add(Score(**fields))


_FAST_HASH: dict[str, str] = {}


def make_members(org, count: int, role: str = "member", **kw) -> list[Member]:
    """``count`` members sharing one password hash (hashing each would take seconds for a big electorate)."""
    if "hash" not in _FAST_HASH:
        probe = Member(email="x", name="x", role="member")
        probe.set_password(PASSWORD)
        _FAST_HASH["hash"] = probe.password_hash
    members = []
    for _ in range(count):
        n = next(_seq)
        member = Member(**{"organization_id": org.id, "email": f"m{n}@example.org", "name": f"Member {n}",
                           "role": role, "password_hash": _FAST_HASH["hash"], **kw})
        db.session.add(member)
        members.append(member)
    db.session.flush()
    db.session.commit()
    return members


def make_proposal(org, member, kind="new_plank", cosponsors=(), **kw):
    """An open proposal (through the service) with the given co-sponsors."""
    from tracker.services import proposals
    fields = {"title": f"Proposal {next(_seq)}", "body": "A plank text.", "category": "Housing", **kw}
    if kind == "repeal":
        fields.pop("body", None)
    proposal = proposals.propose(org, member, kind=kind, **fields)
    for backer in cosponsors:
        proposals.cosponsor(proposal, backer)
    db.session.commit()
    return proposal


def make_endorsed(org, name=None, election="2026 Council", **kw):
    """A person with an endorsement in force (what a pledge needs)."""
    from tracker.models import Endorsement
    person = make_person(org, name, **kw)
    _add(Endorsement(organization_id=org.id, person_id=person.id, election=election, decision="endorsed",
                     decided_on=date(2026, 1, 10)))
    return person
