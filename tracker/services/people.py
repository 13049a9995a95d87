"""People: roster imports (people, external ids, terms) and matching voters to people.

Matching a voter (as a source names them) to a Person, in this order:
1. by external id: the voter key ``scheme:value`` (bioguide, lis, icpsr, ocd_person, legistar...)
   against PersonIdentifier;
2. by a review already decided for that voter key on that body;
3. by normalized name among the people with a Term on that body during the voter's votes:
   exactly one person whose name (or, for a one-word name, family name) is the same -> matched;
   else rapidfuzz similarity >= NAME_SCORE_CUTOFF, exactly one -> matched.
No one, or more than one person -> a VoterReview (one per organization, body and voter key), and the
positions wait with no person until an admin links or creates the person.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from flask_babel import gettext as _
from rapidfuzz import fuzz, process
from sqlalchemy import insert, tuple_, update

from imports import Batch, RowError
from imports.names import normalize_name
from tracker.extensions import db
from tracker.models import Body, Person, PersonIdentifier, Term, Voter, VotePosition, VoterReview
from tracker.models.base import utcnow
from tracker.services import audit, scores
from tracker.services.bulk import chunks

NAME_SCORE_CUTOFF = 90


def is_day(value) -> bool:
    """A real date (pandas' NaT is a datetime too, but no date)."""
    return isinstance(value, date) and not pd.isna(value)


def as_day(value):
    """A date from a date, datetime or pandas Timestamp (terms compare by day)."""
    return value.date() if isinstance(value, datetime) else value


def split_key(voter_key: str) -> tuple[str, str]:
    """("bioguide", "A000370") from "bioguide:A000370"; ("name", "ann jones") from "name:ann jones"."""
    scheme, _colon, value = voter_key.partition(":")
    return scheme, value


def bodies_by_name(organization_id: int, names, create: bool = True) -> dict[str, int]:
    """Body ids by name within the organization (creating missing bodies): one query, one insert."""
    names = sorted({str(n).strip() for n in names if n and str(n).strip()})
    if not names:
        return {}
    found = dict(db.session.execute(db.select(Body.name, Body.id).where(
        Body.organization_id == organization_id, Body.name.in_(names))).all())
    missing = [n for n in names if n not in found]
    if missing and create:
        db.session.execute(insert(Body), [{"organization_id": organization_id, "name": n, "kind": "council"}
                                          for n in missing])
        found.update(db.session.execute(db.select(Body.name, Body.id).where(
            Body.organization_id == organization_id, Body.name.in_(missing))).all())
    return found


def persons_by_identifier(organization_id: int, keys) -> dict[str, int]:
    """Person ids for ``scheme:value`` keys that an identifier names (one query per 500 keys)."""
    pairs = sorted({split_key(k) for k in keys if k and not k.startswith("name:")})
    found: dict[str, int] = {}
    for part in chunks(pairs):
        rows = db.session.execute(db.select(PersonIdentifier.scheme, PersonIdentifier.value, PersonIdentifier.person_id)
                                  .where(PersonIdentifier.organization_id == organization_id,
                                         tuple_(PersonIdentifier.scheme, PersonIdentifier.value).in_(part)))
        found.update({f"{s}:{v}": p for s, v, p in rows})
    return found


@dataclass
class VoterSeen:
    """A voter as one import names them, on one body, over a span of dates."""

    body_id: int
    voter_key: str
    voter_name: str
    first_on: date
    last_on: date
    scheme: str = ""
    value: str = ""


@dataclass
class MatchOutcome:
    person_ids: dict[tuple[int, str], int] = field(default_factory=dict)  # (body_id, voter_key) -> person
    queued: list[VoterSeen] = field(default_factory=list)
    new_identifiers: int = 0


def _name_candidates(organization_id: int, body_ids) -> dict[int, list[tuple[int, str, date, date | None]]]:
    """Per body: (person id, name, term start, term end) of everyone with a term there."""
    rows = db.session.execute(db.select(Term.body_id, Person.id, Person.name, Term.start_on, Term.end_on)
                              .join(Person, Person.id == Term.person_id)
                              .where(Term.organization_id == organization_id, Term.body_id.in_(list(body_ids))))
    candidates: dict[int, list] = {}
    for body_id, person_id, name, start_on, end_on in rows:
        candidates.setdefault(body_id, []).append((person_id, name, start_on, end_on))
    return candidates


def name_score(wanted: str, candidate: str, **_ignored) -> float:
    """Similarity 0-100 of two normalized names: token-sort ratio, or the token-set ratio when both
    have two words or more (so "robert smith jr" still finds "robert smith")."""
    score = fuzz.token_sort_ratio(wanted, candidate)
    if min(len(wanted.split()), len(candidate.split())) >= 2:
        score = max(score, fuzz.token_set_ratio(wanted, candidate))
    return score


def match_by_name(voter: VoterSeen, candidates: list[tuple[int, str, date, date | None]]) -> list[int]:
    """The people (ids) the voter's name designates among those seated on the body during the
    voter's votes: exact normalized names first, then family name for a one-word name, then
    fuzzy (name_score >= NAME_SCORE_CUTOFF). Empty or several = needs review."""
    wanted = normalize_name(voter.voter_name)
    if not wanted:
        return []
    seated = {}
    for person_id, name, start_on, end_on in candidates:
        if start_on <= voter.last_on and (end_on is None or end_on >= voter.first_on):
            seated[person_id] = normalize_name(name)
    exact = sorted({p for p, n in seated.items() if n == wanted})
    if exact:
        return exact
    if " " not in wanted:
        by_family = sorted({p for p, n in seated.items() if n.split(" ")[-1] == wanted})
        if by_family:
            return by_family
    scored = process.extract(wanted, seated, scorer=name_score, score_cutoff=NAME_SCORE_CUTOFF, limit=None)
    return sorted({key for _name, _score, key in scored})


def match_voters(organization_id: int, voters: list[VoterSeen], queue: bool = True) -> MatchOutcome:
    """Resolve each voter to a person (see the module docstring); queue the rest for review.

    A voter matched by name whose key carries an id the person lacked gains that identifier.
    Queries: one for identifiers, one for decided reviews, one for terms (per 500 voters)."""
    outcome = MatchOutcome()
    if not voters:
        return outcome
    by_id = persons_by_identifier(organization_id, [v.voter_key for v in voters])
    pending = []
    for voter in voters:
        person_id = by_id.get(voter.voter_key)
        if person_id:
            outcome.person_ids[(voter.body_id, voter.voter_key)] = person_id
        else:
            pending.append(voter)
    if not pending:
        return outcome
    reviews = {}
    for part in chunks(sorted({v.voter_key for v in pending})):
        for review in db.session.execute(db.select(VoterReview).where(
                VoterReview.organization_id == organization_id, VoterReview.voter_key.in_(part))).scalars():
            reviews[(review.body_id, review.voter_key)] = review
    candidates = _name_candidates(organization_id, {v.body_id for v in pending})
    new_identifiers = []
    for voter in pending:
        key = (voter.body_id, voter.voter_key)
        review = reviews.get(key)
        if review is not None and review.status == "resolved" and review.resolved_person_id:
            outcome.person_ids[key] = review.resolved_person_id
            continue
        matches = match_by_name(voter, candidates.get(voter.body_id, []))
        if len(matches) == 1:
            outcome.person_ids[key] = matches[0]
            if voter.scheme and voter.scheme != "name" and voter.value:
                new_identifiers.append({"organization_id": organization_id, "person_id": matches[0],
                                        "scheme": voter.scheme, "value": voter.value})
            continue
        if not queue:
            continue
        reason = "no match" if not matches else f"{len(matches)} people match"
        if review is None:
            review = VoterReview(organization_id=organization_id, body_id=voter.body_id, voter_key=voter.voter_key,
                                 voter_name=voter.voter_name, reason=reason, status="open",
                                 external_ids={voter.scheme: voter.value} if voter.scheme and voter.scheme != "name" else None,
                                 candidate_person_ids=matches or None)
            db.session.add(review)
            reviews[key] = review
        outcome.queued.append(voter)
    seen = set()
    unique_identifiers = [i for i in new_identifiers if (i["scheme"], i["value"]) not in seen
                          and not seen.add((i["scheme"], i["value"]))]
    if unique_identifiers:
        db.session.execute(insert(PersonIdentifier), unique_identifiers)
        outcome.new_identifiers = len(unique_identifiers)
    db.session.flush()
    return outcome


def attach_positions(organization_id: int, body_id: int | None, voter_key: str, person_id: int) -> int:
    """Give every waiting position of this voter key (on this body's roll calls) its person: one UPDATE."""
    from tracker.models import RollCall

    voter_id = db.select(Voter.id).where(Voter.organization_id == organization_id, Voter.voter_key == voter_key)
    statement = update(VotePosition).where(VotePosition.voter_id == voter_id.scalar_subquery(),
                                           VotePosition.person_id.is_(None))
    if body_id is not None:
        statement = statement.where(VotePosition.roll_call_id.in_(
            db.select(RollCall.id).where(RollCall.body_id == body_id)))
    result = db.session.execute(statement.values(person_id=person_id).execution_options(synchronize_session=False))
    return result.rowcount or 0


def resolve_review(review: VoterReview, person: Person, member=None, how: str = "linked") -> int:
    """Close a review: the voter is ``person``; their positions attach; the voter's external id
    (if any, and free) is added to the person; an AuditEvent is written. Returns positions attached."""
    scheme, value = split_key(review.voter_key)
    identifier_added = False
    if scheme != "name" and value:
        taken = db.session.execute(db.select(PersonIdentifier).filter_by(
            organization_id=review.organization_id, scheme=scheme, value=value)).scalar_one_or_none()
        if taken is None:
            db.session.add(PersonIdentifier(organization_id=review.organization_id, person_id=person.id,
                                            scheme=scheme, value=value))
            identifier_added = True
    attached = attach_positions(review.organization_id, review.body_id, review.voter_key, person.id)
    actor_id, _actor_name = audit.actor_of(member)
    review.status, review.resolved_person_id = "resolved", person.id
    review.resolved_by_id, review.resolved_at = actor_id, utcnow()
    audit.record(review.organization_id, f"voter_review.{how}", review, member=member,
                 after={"voter_key": review.voter_key, "person_id": person.id, "positions_attached": attached,
                        "identifier_added": identifier_added})
    return attached


def last_decision(organization_id: int) -> VoterReview | None:
    """The review a member resolved most recently (the one an undo reverts), if any."""
    return db.session.execute(db.select(VoterReview).where(
        VoterReview.organization_id == organization_id, VoterReview.status == "resolved",
        VoterReview.resolved_by_id.is_not(None))
        .order_by(VoterReview.resolved_at.desc(), VoterReview.id.desc()).limit(1)).scalar_one_or_none()


def undo_resolution(review: VoterReview, member=None) -> int:
    """Reopen a resolved review: the voter's positions (on that body) leave the person and wait
    again, the voter's id leaves the person if the link had added it, and an AuditEvent is
    written. A person created for the voter stays (with no votes of theirs). Returns positions detached."""
    from tracker.models import AuditEvent, RollCall

    person_id = review.resolved_person_id
    voter_id = db.select(Voter.id).where(Voter.organization_id == review.organization_id,
                                         Voter.voter_key == review.voter_key).scalar_subquery()
    statement = update(VotePosition).where(VotePosition.voter_id == voter_id, VotePosition.person_id == person_id)
    if review.body_id is not None:
        statement = statement.where(VotePosition.roll_call_id.in_(
            db.select(RollCall.id).where(RollCall.body_id == review.body_id)))
    detached = db.session.execute(statement.values(person_id=None)
                                  .execution_options(synchronize_session=False)).rowcount or 0
    decision = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.organization_id == review.organization_id, AuditEvent.entity_type == "VoterReview",
        AuditEvent.entity_id == str(review.id), AuditEvent.action.like("voter_review.%"),
        AuditEvent.action != "voter_review.undone")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
    scheme, value = split_key(review.voter_key)
    if decision is not None and (decision.after or {}).get("identifier_added") and scheme != "name":
        db.session.execute(PersonIdentifier.__table__.delete().where(
            PersonIdentifier.organization_id == review.organization_id, PersonIdentifier.person_id == person_id,
            PersonIdentifier.scheme == scheme, PersonIdentifier.value == value))
    before = {"voter_key": review.voter_key, "person_id": person_id, "status": review.status}
    review.status, review.resolved_person_id, review.resolved_by_id, review.resolved_at = "open", None, None, None
    audit.record(review.organization_id, "voter_review.undone", review, member=member, before=before,
                 after={"status": "open", "positions_detached": detached})
    db.session.flush()
    return detached


def create_person_for_review(review: VoterReview, name: str | None = None, member=None) -> Person:
    """Create a new person named like the voter (or ``name``), then resolve the review to them."""
    name = (name or review.voter_name).strip()
    words = name.split()
    person = Person(organization_id=review.organization_id, name=name,
                    sort_name=(words[-1] + ", " + " ".join(words[:-1])).strip(", ") if words else name)
    db.session.add(person)
    db.session.flush()
    audit.record(review.organization_id, "person.create", person, member=member, after={"name": name})
    resolve_review(review, person, member=member, how="created")
    return person


def rematch_open_reviews(organization_id: int) -> int:
    """Try the open reviews again (after a roster import); resolve those that now match exactly
    one person. Returns how many were resolved."""
    open_reviews = db.session.execute(db.select(VoterReview).where(
        VoterReview.organization_id == organization_id, VoterReview.status == "open")).scalars().all()
    if not open_reviews:
        return 0
    spans = {}
    for part in chunks(sorted({r.voter_key for r in open_reviews})):
        spans.update(((rc_body, key), (first, last)) for rc_body, key, first, last in db.session.execute(
            _span_query(organization_id, part)))
    voters = []
    for review in open_reviews:
        first, last = spans.get((review.body_id, review.voter_key), (date.min, date.max))
        scheme, value = split_key(review.voter_key)
        voters.append(VoterSeen(review.body_id, review.voter_key, review.voter_name, first, last, scheme, value))
    outcome = match_voters(organization_id, voters, queue=False)
    resolved = 0
    for review in open_reviews:
        person_id = outcome.person_ids.get((review.body_id, review.voter_key))
        if person_id:
            resolve_review(review, db.session.get(Person, person_id), how="matched_by_roster")
            resolved += 1
    return resolved


def _span_query(organization_id: int, keys):
    from tracker.models import RollCall

    return (db.select(RollCall.body_id, Voter.voter_key, db.func.min(RollCall.voted_on), db.func.max(RollCall.voted_on))
            .join(VotePosition, VotePosition.voter_id == Voter.id)
            .join(RollCall, RollCall.id == VotePosition.roll_call_id)
            .where(Voter.organization_id == organization_id, Voter.voter_key.in_(keys),
                   VotePosition.person_id.is_(None))
            .group_by(RollCall.body_id, Voter.voter_key))


class RosterLoader:
    """Writes people rosters (kind ``people``): people matched by external id (else by exact
    normalized name when exactly one person has it and no id of the same scheme), identifiers
    added, terms de-duplicated on (person, body, start). Re-importing writes nothing new."""

    def __init__(self, context):
        self.context = context
        self.organization_id = context.organization.id
        self.body_override = (context.options.params or {}).get("body")

    def write(self, batch: Batch, context) -> tuple[int, int]:
        people = batch.tables.get("people", pd.DataFrame(columns=["person_key", "name", "sort_name", "party", "line"]))
        identifiers = batch.tables.get("identifiers", pd.DataFrame(columns=["person_key", "scheme", "value"]))
        terms = batch.tables.get("terms", pd.DataFrame(columns=["person_key", "body", "start_on", "end_on"]))
        imported = duplicates = 0
        ids_of = identifiers.groupby("person_key")[["scheme", "value"]].apply(
            lambda frame: [f"{s}:{v}" for s, v in zip(frame["scheme"], frame["value"])]).to_dict() if len(identifiers) else {}
        known = persons_by_identifier(self.organization_id, [k for keys in ids_of.values() for k in keys]
                                      + [k for k in people["person_key"] if not k.startswith("name:")])
        by_name = self._people_by_normalized_name(people)
        person_of: dict[str, int] = {}
        new_people = []
        for row in people.itertuples(index=False):
            keys = [row.person_key, *ids_of.get(row.person_key, [])]
            found = {known[k] for k in keys if k in known}
            if len(found) > 1:
                context.extra_errors.append(RowError(int(row.line), "id", f"the ids {', '.join(keys)} belong to "
                                                     "different people already; fix them on the people page"))
                continue
            if not found:  # same name, and no id of the same scheme that would contradict it
                schemes = {split_key(k)[0] for k in keys} - {"name"}
                same_name = by_name.get(normalize_name(row.name), {})
                found = {p for p, taken in same_name.items() if not (taken & schemes)}
                if len(found) != 1:
                    found = set()
            if found:
                person_of[row.person_key] = found.pop()
                duplicates += 1
            else:
                new_people.append(row)
        if new_people:
            rows = [{"organization_id": self.organization_id, "name": r.name, "sort_name": r.sort_name or r.name,
                     "party": getattr(r, "party", None) or None} for r in new_people]
            created = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows).scalars().all()
            for row, person_id in zip(new_people, created):
                person_of[row.person_key] = person_id
            imported += len(created)
            for row, person_id in zip(new_people, created):  # the person's own key is an id too
                scheme, value = split_key(row.person_key)
                if scheme != "name":
                    ids_of.setdefault(row.person_key, [])
                    if row.person_key not in ids_of[row.person_key]:
                        ids_of[row.person_key].append(row.person_key)
        new_ids, taken = [], set(known)
        for person_key, keys in ids_of.items():
            person_id = person_of.get(person_key)
            for key in keys:
                if person_id is None or key in taken:
                    continue
                taken.add(key)
                scheme, value = split_key(key)
                new_ids.append({"organization_id": self.organization_id, "person_id": person_id, "scheme": scheme, "value": value})
        if new_ids:
            db.session.execute(insert(PersonIdentifier), new_ids)
            imported += len(new_ids)
        imported_terms, duplicate_terms = self._write_terms(terms, person_of)
        db.session.flush()
        return imported + imported_terms, duplicates + duplicate_terms

    def _people_by_normalized_name(self, people: pd.DataFrame) -> dict[str, dict[int, set]]:
        """normalized name -> {person id: schemes of the ids they already have}, for this batch's names."""
        wanted = {normalize_name(n) for n in people["name"]}
        schemes: dict[int, set] = {}
        for person_id, scheme in db.session.execute(db.select(PersonIdentifier.person_id, PersonIdentifier.scheme)
                                                    .where(PersonIdentifier.organization_id == self.organization_id)):
            schemes.setdefault(person_id, set()).add(scheme)
        index: dict[str, dict[int, set]] = {}
        for person_id, name in db.session.execute(db.select(Person.id, Person.name)
                                                  .where(Person.organization_id == self.organization_id)):
            normalized = normalize_name(name)
            if normalized in wanted:
                index.setdefault(normalized, {})[person_id] = schemes.get(person_id, set())
        return index

    def _write_terms(self, terms: pd.DataFrame, person_of: dict[str, int]) -> tuple[int, int]:
        if terms.empty:
            return 0, 0
        # A term decides eligibility, so it needs a start date; a roster without dates (the
        # congress-legislators CSV) records people and ids only, and the report says so.
        dated = terms["start_on"].map(is_day) & terms["body"].notna()
        if self.body_override:
            dated = terms["start_on"].map(is_day)
        undated = int((~dated).sum())
        if undated:
            self.context.report["terms_without_start_date"] = self.context.report.get("terms_without_start_date", 0) + undated
        terms = terms.loc[dated]
        if terms.empty:
            return 0, 0
        body_names = [self.body_override] * len(terms) if self.body_override else list(terms["body"])
        body_ids = bodies_by_name(self.organization_id, body_names)
        existing = set(db.session.execute(db.select(Term.person_id, Term.body_id, Term.start_on).where(
            Term.organization_id == self.organization_id, Term.person_id.in_(list(set(person_of.values()) or {0})))).all())
        rows, duplicates = [], 0
        for term, body_name in zip(terms.itertuples(index=False), body_names):
            person_id = person_of.get(term.person_key)
            if person_id is None:
                continue
            key = (person_id, body_ids[str(body_name).strip()], as_day(term.start_on))
            if key in existing:
                duplicates += 1
                continue
            existing.add(key)
            rows.append({"organization_id": self.organization_id, "person_id": person_id, "body_id": key[1],
                         "office": _text(term.office) or "Member", "district": _text(term.district),
                         "party": _text(term.party), "start_on": key[2],
                         "end_on": as_day(term.end_on) if is_day(term.end_on) else None})
        if rows:
            db.session.execute(insert(Term), rows)
        return len(rows), duplicates

    def finish(self, context) -> None:
        """After the roster: open reviews that now match exactly one person are resolved."""
        resolved = rematch_open_reviews(self.organization_id)
        context.report["reviews_resolved"] = resolved
        audit.record(self.organization_id, "import.people", "ImportRun", member=context.options.actor,
                     note=f"{context.path.name}: {resolved} waiting voters matched")


    def after_commit(self, context, result) -> None:
        """Terms decide eligibility and matched voters bring positions: recompute stored scores."""
        if result.imported or context.report.get("reviews_resolved"):
            scores.recompute(context.organization)


def _text(value) -> str | None:
    """A stripped string, or None for blanks and NaN."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


def roster_loader(context) -> RosterLoader:
    """Loader factory for ``run_import(..., kind="people")``."""
    return RosterLoader(context)


# ----------------------------------------------------------------------------- editing a person

class PersonError(ValueError):
    """An edit the rules refuse (an id another person has, a malformed id...)."""


# The ids a committee member attaches by hand, with the shape each must have: what the filings
# name (FEC: committee C + 8 digits, candidate H/S/P + 8; CAL-ACCESS / NetFile: a filer number).
ID_LABELS = {"fec_committee": "FEC committee id (C00123456)", "state_filer": "CAL-ACCESS or NetFile filer id",
             "fec_candidate": "FEC candidate id (H0CA12345)", "bioguide": "Bioguide id", "legistar": "Legistar person id",
             "ocd_person": "Open Civic Data person id", "openstates": "Open States id", "icpsr": "ICPSR id",
             "lis": "Senate LIS id", "govtrack": "GovTrack id", "opensecrets": "OpenSecrets id",
             "thomas": "THOMAS id", "wikidata": "Wikidata id", "popolo": "Popolo id", "local": "Local id"}
ID_PATTERNS = {"fec_committee": r"C\d{8}", "fec_candidate": r"[HSP][0-9A-Z]{8}", "state_filer": r"[0-9A-Za-z-]{3,20}"}
MONEY_SCHEMES = ("fec_committee", "state_filer", "fec_candidate")


def _snapshot_person(person: Person, term: Term | None) -> dict:
    return {"name": person.name, "sort_name": person.sort_name, "party": person.party, "tracked": person.tracked,
            "office": term.office if term else None, "district": term.district if term else None}


def latest_term(person: Person) -> Term | None:
    return max(person.terms, key=lambda t: t.start_on) if person.terms else None


def update_person(person: Person, *, name: str, sort_name: str | None, party: str | None, tracked: bool,
                  office: str | None = None, district: str | None = None, member=None) -> Person:
    """Change a person's name, sort name, party, whether the organization follows them, and the
    office and district of their latest term (if they have one); audited with before and after."""
    name = (name or "").strip()
    if not name:
        raise PersonError(_("A person needs a name."))
    term = latest_term(person)
    before = _snapshot_person(person, term)
    words = name.split()
    person.name = name
    person.sort_name = (sort_name or "").strip() or (words[-1] + ", " + " ".join(words[:-1])).strip(", ")
    person.party = (party or "").strip() or None
    person.tracked = bool(tracked)
    if term is not None:
        term.office = (office or "").strip() or term.office
        term.district = (district or "").strip() or None
    after = _snapshot_person(person, term)
    if after != before:
        audit.record(person.organization_id, "person.edit", person, member=member, before=before, after=after)
    db.session.flush()
    return person


def add_identifier(person: Person, scheme: str, value: str, member=None) -> PersonIdentifier:
    """Attach an external id; a committee or filer id makes the money filed under it the person's
    (committees of that id are linked to them, their pledges judged again). Audited."""
    import re

    from tracker.models import Committee
    from tracker.services import contributions, flags

    if scheme not in ID_LABELS:
        raise PersonError(_("Choose the kind of id."))
    value = (value or "").strip()
    if scheme in ("fec_committee", "fec_candidate"):
        value = value.upper()
    pattern = ID_PATTERNS.get(scheme, r"\S{1,120}")
    if not re.fullmatch(pattern, value):
        raise PersonError(_("“%(value)s” is not a %(kind)s.", value=value, kind=ID_LABELS[scheme].split(" (")[0]))
    taken = db.session.execute(db.select(PersonIdentifier).filter_by(
        organization_id=person.organization_id, scheme=scheme, value=value)).scalar_one_or_none()
    if taken is not None:
        owner = "this person" if taken.person_id == person.id else db.session.get(Person, taken.person_id).name
        raise PersonError(_("%(kind)s %(value)s already belongs to %(owner)s.", kind=ID_LABELS[scheme].split(" (")[0],
                                 value=value, owner=owner))
    identifier = PersonIdentifier(organization_id=person.organization_id, person_id=person.id, scheme=scheme, value=value)
    db.session.add(identifier)
    db.session.flush()
    if scheme in MONEY_SCHEMES:
        if scheme != "fec_candidate":
            db.session.execute(update(Committee).where(
                Committee.organization_id == person.organization_id, Committee.committee_id == value,
                Committee.person_id.is_(None)).values(person_id=person.id).execution_options(synchronize_session=False))
        else:  # the committees whose candidate this is
            contributions.link_committees_to_people(person.organization_id)
    audit.record(person.organization_id, "person.add_identifier", person, member=member,
                 after={"scheme": scheme, "value": value})
    db.session.expire(person, ["identifiers"])
    if scheme in MONEY_SCHEMES:
        flags.evaluate_person(person)
    return identifier


def remove_identifier(person: Person, identifier: PersonIdentifier, member=None) -> None:
    """Detach an external id (and the committees linked through it); audited; pledges judged again."""
    from tracker.models import Committee
    from tracker.services import flags

    if identifier.person_id != person.id:
        raise PersonError(_("That id is not this person's."))
    scheme, value = identifier.scheme, identifier.value
    if scheme in ("fec_committee", "state_filer"):
        db.session.execute(update(Committee).where(
            Committee.organization_id == person.organization_id, Committee.committee_id == value,
            Committee.person_id == person.id).values(person_id=None).execution_options(synchronize_session=False))
    db.session.delete(identifier)
    audit.record(person.organization_id, "person.remove_identifier", person, member=member,
                 before={"scheme": scheme, "value": value})
    db.session.flush()
    db.session.expire(person, ["identifiers"])
    if scheme in MONEY_SCHEMES:
        flags.evaluate_person(person)
