"""Pledge flags: classify contributions in bulk and judge pledge money clauses against them.

The database side of tracker/money.py: it reads contributions and committees in bulk into
DataFrames, calls the pure rules, and writes back the classification columns and the Flag rows.
Every status change of a flag or a pledge leaves an AuditEvent (the cure of a violation names the
refund line that cured it).

Publication (METHOD.md 6.5 step 7): a new flag is a ``draft``, seen only by the committee. When the
committee records that the candidate was told (``notify_person``), it is ``notified``; once the
clause's ``notice_days`` have passed (default 7: time to show a refund or a misclassification),
``publish_due`` publishes it. Public pages show only published flags, and a pledge turns ``broken``
only on a published violation that still has money after refunds.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
from sqlalchemy import func, or_, select, update

from tracker import money
from tracker.csv_cells import neutralize
from tracker.extensions import db
from tracker.models import AuditEvent, Committee, Contribution, Flag, Organization, Person, PersonIdentifier, Pledge, PledgeClause
from tracker.services import audit, outbox

MONEY_CLAUSES = tuple(money.CLAUSE_DEFAULTS)
JUDGED_PLEDGE_STATUSES = ("signed", "broken")
CLASSIFICATION_COLUMNS = ("donor_class", "tags", "rule", "confidence", "evidence")
_LOAD_COLUMNS = ("id", "source", "source_file", "source_line", "tran_id", "sub_id", "filing_id",
                 "amendment_indicator", "transaction_type", "image_num", "recipient_committee_id", "candidate_id",
                 "donor_name", "donor_entity_type", "donor_committee_id", "employer", "occupation", "city", "state",
                 "zip_code", "amount_cents", "received_on", "memo", "memo_text", "receipt_kind", "raw_sha256",
                 *CLASSIFICATION_COLUMNS)
_BATCH = 5000
CLASSIFY_SLICE = 20_000  # contributions classified at a time (also under every IN-list limit)


def money_lists(org: Organization, company_list=()) -> money.MoneyLists:
    """The organization's donor lists (services/donor_lists.py), plus a clause's own company list."""
    from tracker.services import donor_lists

    lists = donor_lists.load(org.id)
    if company_list:
        lists.company_list = lists.company_list | set(company_list)
    return lists


def _frame(statement, columns) -> pd.DataFrame:
    rows = db.session.execute(statement).all()
    return pd.DataFrame.from_records(rows, columns=list(columns))


def load_committees(org_id: int) -> pd.DataFrame:
    """All committees of the organization as money.classify's ``committees`` frame."""
    columns = money.COMMITTEE_COLUMNS
    return _frame(select(*(getattr(Committee, c) for c in columns)).where(Committee.organization_id == org_id),
                  columns)


def load_contributions(org_id: int, *conditions) -> pd.DataFrame:
    """Contribution rows (not superseded by an amendment) as a DataFrame indexed by id."""
    statement = (select(*(getattr(Contribution, c) for c in _LOAD_COLUMNS))
                 .where(Contribution.organization_id == org_id, Contribution.superseded.is_(False), *conditions)
                 .order_by(Contribution.id))
    frame = _frame(statement, _LOAD_COLUMNS)
    return frame.set_index(frame["id"].rename(None)) if not frame.empty else frame


def classify_contributions(org: Organization, ids=None, run_id: int | None = None) -> dict:
    """Classify the organization's contributions (all; those with ``ids``; or those import run
    ``run_id`` wrote) and write donor_class, tags, rule, confidence and evidence back in bulk,
    CLASSIFY_SLICE rows at a time so memory stays flat however many there are.
    Returns {"classified": n, "by_class": {...}}."""
    committees, lists = load_committees(org.id), money_lists(org)
    classified_count, by_class = 0, {}
    for part in _id_slices(org.id, ids, run_id):
        contributions = load_contributions(org.id, Contribution.id.in_(part))
        if contributions.empty:
            continue
        classified = money.classify(contributions, committees, lists)
        records = classified[list(CLASSIFICATION_COLUMNS)].astype(object)
        records["tags"] = records["tags"].where(records["tags"] != "", None)
        records.insert(0, "id", contributions["id"].astype(int).tolist())
        payload = records.to_dict("records")
        for start in range(0, len(payload), _BATCH):  # ORM bulk UPDATE by primary key (executemany)
            db.session.execute(update(Contribution), payload[start:start + _BATCH])
        classified_count += len(payload)
        for donor_class, count in classified["donor_class"].value_counts().items():
            by_class[donor_class] = by_class.get(donor_class, 0) + int(count)
    db.session.flush()
    return {"classified": classified_count, "by_class": by_class}


def _id_slices(org_id: int, ids=None, run_id: int | None = None):
    """Lists of at most CLASSIFY_SLICE contribution ids: the given ones, or (keyset paging, never
    all ids in memory at once) the organization's or one import run's."""
    if ids is not None:
        ids = list(ids)
        for start in range(0, len(ids), CLASSIFY_SLICE):
            yield ids[start:start + CLASSIFY_SLICE]
        return
    conditions = [Contribution.organization_id == org_id]
    if run_id is not None:
        conditions.append(Contribution.import_run_id == run_id)
    last = 0
    while True:
        part = list(db.session.scalars(select(Contribution.id).where(*conditions, Contribution.id > last)
                                       .order_by(Contribution.id).limit(CLASSIFY_SLICE)))
        if not part:
            return
        yield part
        last = part[-1]


def person_committee_ids(person: Person) -> list[str]:
    """Committee ids (CMTE_ID / filer id) of the person's committees: linked directly, or through
    the FEC candidate id on the committee master matching one of the person's identifiers."""
    fec_ids = select(PersonIdentifier.value).where(PersonIdentifier.person_id == person.id,
                                                   PersonIdentifier.scheme == "fec_candidate")
    statement = select(Committee.committee_id).where(
        Committee.organization_id == person.organization_id,
        or_(Committee.person_id == person.id, Committee.candidate_id.in_(fec_ids)))
    return sorted(set(db.session.execute(statement).scalars()))


def _person_contributions(person: Person) -> pd.DataFrame:
    committee_ids = person_committee_ids(person)
    fec_ids = select(PersonIdentifier.value).where(PersonIdentifier.person_id == person.id,
                                                   PersonIdentifier.scheme == "fec_candidate")
    contributions = load_contributions(person.organization_id,
                                       or_(Contribution.recipient_committee_id.in_(committee_ids),
                                           Contribution.candidate_id.in_(fec_ids)))
    # An earmarked gift reported by the conduit and by the recipient is judged once (METHOD 6.5 step 2).
    return money.dedupe_earmarks(contributions) if not contributions.empty else contributions


def evaluate_person(person: Person, now: datetime | None = None) -> dict:
    """Judge every money clause of the person's signed (or broken) pledges and store the verdicts.

    Upserts one Flag per (clause, contribution), removes flags that no longer apply, sets the
    pledge ``broken`` while any violation has money left after refunds (back to ``signed`` when all
    are cured), and writes an AuditEvent for every flag or pledge status change. Unclassified
    contributions are classified first. Returns a summary dict."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    org = db.session.get(Organization, person.organization_id)
    summary = {"person_id": person.id, "pledges": [], "created": 0, "updated": 0, "removed": 0, "status_changes": 0}
    pledges = db.session.execute(select(Pledge).where(Pledge.person_id == person.id,
                                                      Pledge.status.in_(JUDGED_PLEDGE_STATUSES))).scalars().all()
    if not pledges:
        return summary
    contributions = _person_contributions(person)
    if not contributions.empty and contributions["donor_class"].isna().any():
        classify_contributions(org, ids=contributions.index[contributions["donor_class"].isna()].tolist())
        contributions = _person_contributions(person)
    committees = load_committees(org.id) if not contributions.empty else None
    for pledge in pledges:
        clauses = [c for c in pledge.clauses if c.kind in MONEY_CLAUSES]
        violations = 0
        for clause in clauses:
            flags = _clause_flags(org, clause, pledge, contributions, committees)
            violations += int(((flags["status"] == "violation") & (flags["net_cents"] > 0)).sum()) if len(flags) else 0
            _store_flags(org, person, clause, flags, now, summary)
        published = _published_violations(clauses)
        if clauses:  # a pledge without money clauses is none of this service's business
            _set_pledge_status(pledge, "broken" if published else "signed", summary)
        summary["pledges"].append({"pledge_id": pledge.id, "status": pledge.status, "violations": violations,
                                   "published_violations": published})
    db.session.flush()
    return summary


def _published_violations(clauses) -> int:
    if not clauses:
        return 0
    db.session.flush()
    return db.session.scalar(select(func.count(Flag.id)).where(
        Flag.pledge_clause_id.in_([c.id for c in clauses]), Flag.publication == "published",
        Flag.status == "violation", Flag.net_cents > 0)) or 0


def notice_days(clause_kind: str, clause_params) -> int:
    return int(money.clause_params(clause_kind, clause_params)["notice_days"])


def notify_person(person: Person, actor=None, now: datetime | None = None) -> int:
    """Record that the candidate was told of their draft flags: each becomes ``notified`` and its
    notice period starts now. Returns how many."""
    now = now or _now()
    drafts = db.session.execute(select(Flag).where(Flag.person_id == person.id, Flag.publication == "draft")
                                .order_by(Flag.id)).scalars().all()
    for flag in drafts:
        flag.publication, flag.notified_at = "notified", now
        audit.record(person.organization_id, "flag.notified", flag, member=actor,
                     before={"publication": "draft"}, after={"publication": "notified", "status": flag.status},
                     note=f"candidate {person.name} told of this flag on {now:%Y-%m-%d}")
    db.session.flush()
    return len(drafts)


def pending_flags(person: Person, now: datetime | None = None) -> list[dict]:
    """The person's flags not yet public (draft or notified), with the day each notice ends and
    whether it has (``due``: publish_due would publish it)."""
    now = now or _now()
    rows = db.session.execute(
        select(Flag, Contribution, PledgeClause.kind, PledgeClause.params)
        .join(Contribution, Flag.contribution_id == Contribution.id)
        .join(PledgeClause, Flag.pledge_clause_id == PledgeClause.id)
        .where(Flag.person_id == person.id, Flag.publication != "published")
        .order_by(Contribution.received_on, Contribution.id)).all()
    pending = []
    for flag, contribution, kind, params in rows:
        days = notice_days(kind, params)
        ends = flag.notified_at + timedelta(days=days) if flag.notified_at else None
        pending.append({"flag": flag, "contribution": contribution, "clause": kind, "notice_ends": ends,
                        "notice_days": days, "due": ends is not None and ends <= now})
    return pending


def publish_due(org: Organization, now: datetime | None = None, person: Person | None = None,
                actor=None, judge: bool = True) -> int:
    """Publish the notified flags whose notice has ended (of one person, or of the organization),
    then judge those people's pledges again (unless ``judge`` is false). Returns how many."""
    now = now or _now()
    statement = (select(Flag, PledgeClause.kind, PledgeClause.params)
                 .join(PledgeClause, Flag.pledge_clause_id == PledgeClause.id)
                 .where(Flag.organization_id == org.id, Flag.publication == "notified"))
    if person is not None:
        statement = statement.where(Flag.person_id == person.id)
    due = [flag for flag, kind, params in db.session.execute(statement).all()
           if flag.notified_at + timedelta(days=notice_days(kind, params)) <= now]
    for flag in due:
        flag.publication, flag.published_at = "published", now
        audit.record(org.id, "flag.published", flag, member=actor, before={"publication": "notified"},
                     after={"publication": "published", "status": flag.status, "net_cents": flag.net_cents})
        if flag.status == "violation":
            outbox.corporate_money_flagged(flag)
    db.session.flush()
    if judge:
        for person_id in sorted({flag.person_id for flag in due}):
            evaluate_person(db.session.get(Person, person_id), now=now)
    return len(due)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _clause_flags(org, clause: PledgeClause, pledge: Pledge, contributions: pd.DataFrame, committees) -> pd.DataFrame:
    if contributions.empty:
        return pd.DataFrame(columns=money.FLAG_COLUMNS)
    params = money.clause_params(clause.kind, clause.params)
    if clause.kind == "no_fossil_fuel_money":
        # Tags depend on the clause's company list: classify again (pure, in memory, nothing stored).
        classified = money.classify(contributions, committees, money_lists(org, params.get("company_list")))
    else:
        classified = contributions[list(CLASSIFICATION_COLUMNS)]
    return money.evaluate_clause(clause.kind, clause.params, contributions, classified, pledge.signed_at)


def _store_flags(org, person, clause, flags: pd.DataFrame, now, summary) -> None:
    existing = {f.contribution_id: f for f in db.session.execute(
        select(Flag).where(Flag.pledge_clause_id == clause.id)).scalars()}
    seen = set()
    for row in flags.to_dict("records"):
        contribution_id = int(row["contribution_id"])
        seen.add(contribution_id)
        flag = existing.get(contribution_id)
        values = {"status": row["status"], "amount_cents": int(row["amount_cents"]),
                  "net_cents": int(row["net_cents"]), "refunds": row["refunds"], "evidence": row["evidence"]}
        if flag is None:
            flag = Flag(organization_id=org.id, pledge_clause_id=clause.id, contribution_id=contribution_id,
                        person_id=person.id, computed_at=now, **values)
            db.session.add(flag)
            db.session.flush()
            summary["created"] += 1
            summary["status_changes"] += 1
            audit.record(org.id, f"flag.{row['status']}", flag, after=_audit_view(values, clause),
                         note=_note(row))
            continue
        before = {"status": flag.status, "net_cents": flag.net_cents}
        changed = any(getattr(flag, k) != v for k, v in values.items())
        if changed:
            for key, value in values.items():
                setattr(flag, key, value)
            flag.computed_at = now
            summary["updated"] += 1
        if before["status"] != row["status"]:
            summary["status_changes"] += 1
            audit.record(org.id, f"flag.{row['status']}", flag, before=before, after=_audit_view(values, clause),
                         note=_note(row))
    for contribution_id, flag in existing.items():
        if contribution_id not in seen:
            audit.record(org.id, "flag.removed", flag, before={"status": flag.status, "net_cents": flag.net_cents},
                         note="the clause no longer flags this contribution (reclassified or corrected data)")
            db.session.delete(flag)
            summary["removed"] += 1


def _audit_view(values: dict, clause: PledgeClause) -> dict:
    return {"status": values["status"], "amount_cents": values["amount_cents"], "net_cents": values["net_cents"],
            "refunds": values["refunds"], "clause": clause.kind, "clause_id": clause.id}


def _note(row: dict) -> str:
    filed = (row.get("evidence") or {}).get("filed") or {}
    where = f"{filed.get('source_file') or filed.get('source')} line {filed.get('source_line')}"
    text = f"{row['status']}: {filed.get('donor_name')} {row['amount_cents'] / 100:.2f} on {filed.get('received_on')} ({where})"
    if row["refunds"]:
        refunds = "; ".join(f"{r['amount_cents'] / 100:.2f} on {r['date']} (line {r.get('source_line')})"
                            for r in row["refunds"])
        text += f"; refunded {refunds}"
    return text


MONEY_BROKEN_NOTE = "money clause violation"


def _set_pledge_status(pledge: Pledge, status: str, summary: dict) -> None:
    if pledge.status == status:
        return
    if status == "signed" and not _broken_by_money(pledge):
        return  # broken for another reason (e.g. a plank clause): not ours to restore
    audit.record(pledge.organization_id, f"pledge.{status}", pledge, before={"status": pledge.status},
                 after={"status": status}, note=MONEY_BROKEN_NOTE if status == "broken"
                 else "every money violation cured")
    pledge.status = status
    summary["status_changes"] += 1
    if status == "broken":
        outbox.pledge_broken(pledge, MONEY_BROKEN_NOTE)


def _broken_by_money(pledge: Pledge) -> bool:
    """True when the pledge's latest status change was this service breaking it."""
    latest = db.session.execute(
        select(AuditEvent.action, AuditEvent.note)
        .where(AuditEvent.organization_id == pledge.organization_id, AuditEvent.entity_type == "Pledge",
               AuditEvent.entity_id == str(pledge.id), AuditEvent.action.like("pledge.%"))
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    return latest is not None and latest.action == "pledge.broken" and latest.note == MONEY_BROKEN_NOTE


def evaluate_organization(org: Organization, now: datetime | None = None) -> dict:
    """``evaluate_person`` for everyone with a signed or broken pledge in the organization."""
    people = db.session.execute(
        select(Person).where(Person.organization_id == org.id,
                             Person.id.in_(select(Pledge.person_id).where(Pledge.organization_id == org.id,
                                                                          Pledge.status.in_(JUDGED_PLEDGE_STATUSES))))
        .order_by(Person.id)).scalars().all()
    # Flags whose notice ended are published first, so the pledges below are judged on them.
    total = {"people": len(people), "created": 0, "updated": 0, "removed": 0, "status_changes": 0,
             "broken_pledges": 0, "published": publish_due(org, now=now, judge=False)}
    for person in people:
        result = evaluate_person(person, now=now)
        for key in ("created", "updated", "removed", "status_changes"):
            total[key] += result[key]
        total["broken_pledges"] += sum(1 for p in result["pledges"] if p["status"] == "broken")
    return total


CLASS_REPORT_COLUMNS = ("donor_class", "rule", "confidence", "lines", "amount", "cash")


def classification_rows(org: Organization) -> list[dict]:
    """``classification_report`` as plain rows (CLASS_REPORT_COLUMNS; dollars as Decimal with
    cents, cash leaving memo lines out), for the public page, its downloads and the CLI export."""
    report = classification_report(org)
    return [{"donor_class": row.donor_class or "not classified yet", "rule": row.rule, "confidence": row.confidence,
             "lines": int(row.count), "amount": Decimal(int(row.amount_cents)).scaleb(-2),
             "cash": Decimal(int(row.cash_cents)).scaleb(-2)}
            for row in report.itertuples(index=False)]


def export_classification(org: Organization, handle, fmt: str = "csv") -> int:
    """Write ``classification_rows`` to ``handle`` as CSV (cells neutralized) or JSON (dollars as
    text with cents); returns the row count."""
    rows = classification_rows(org)
    if fmt == "json":
        json.dump([{**row, "amount": str(row["amount"]), "cash": str(row["cash"])} for row in rows], handle, indent=1)
        handle.write("\n")
    else:
        writer = csv.DictWriter(handle, CLASS_REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows({key: neutralize(value) for key, value in row.items()} for row in rows)
    return len(rows)


def class_totals(rows: list[dict]) -> list[dict]:
    """``classification_rows`` summed per donor class (lines and cash), in the rows' order."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(row["donor_class"], {"donor_class": row["donor_class"], "lines": 0, "cash": 0})
        total["lines"] += row["lines"]
        total["cash"] += row["cash"]
    return list(totals.values())


def classification_report(org: Organization) -> pd.DataFrame:
    """money.class_report over the organization's stored classification (contributions not yet
    classified appear as class "" / rule ""): lines, dollars and cash per class and rule."""
    columns = ("donor_class", "rule", "confidence", "amount_cents", "memo")
    frame = _frame(select(*(getattr(Contribution, c) for c in columns))
                   .where(Contribution.organization_id == org.id, Contribution.superseded.is_(False)), columns)
    return money.class_report(frame)
