"""Campaign committees, the contributions they report, and the flags pledge clauses raise."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, organization_column, utcnow
from tracker.vocabulary import CONFIDENCES, DONOR_CLASSES, DONOR_LISTS, FLAG_STATUSES, RECEIPT_KINDS


class Committee(OrgScoped, db.Model):
    """A campaign or political committee (FEC committee master row, CA filer)."""

    __table_args__ = (UniqueConstraint("organization_id", "source", "committee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # fec, ca, local
    committee_id: Mapped[str] = mapped_column(String(40))  # CMTE_ID / Filer_ID
    name: Mapped[str] = mapped_column(String(300))
    committee_type: Mapped[str | None] = mapped_column(String(4))  # CMTE_TP
    designation: Mapped[str | None] = mapped_column(String(4))  # CMTE_DSGN
    org_type: Mapped[str | None] = mapped_column(String(4))  # ORG_TP
    connected_org: Mapped[str | None] = mapped_column(String(300))
    party: Mapped[str | None] = mapped_column(String(20))
    candidate_id: Mapped[str | None] = mapped_column(String(40))  # FEC CAND_ID it is linked to
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    raw: Mapped[dict | None] = mapped_column(JSON)  # the master row as filed, for evidence

    person = relationship("Person")


def _identifier(length: int):
    """Text that is an identifier, compared byte by byte: PostgreSQL's "C" collation spares each
    index comparison the locale's rules (SQLite compares bytes anyway)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Contribution(OrgScoped, db.Model):
    """One receipt line as filed, plus its classification. Money is integer cents."""

    __table_args__ = (
        UniqueConstraint("organization_id", "source", "source_key"),
        one_of("receipt_kind", RECEIPT_KINDS),
        one_of("donor_class", DONOR_CLASSES, nullable=True),
        one_of("confidence", CONFIDENCES, nullable=True),
        # The recipient alone, not (recipient, date): with many lines per committee, PostgreSQL
        # keeps each committee's rows as one compact posting list, where the dated index grew to one
        # entry per line, spread at random. COPY of 5 million itcont rows: 65.4 s of server CPU with
        # the dated index, 50.0 s without (48.5 s with the "C" collation below as well).
        Index("ix_contribution_recipient", "recipient_committee_id"),
        # Only lines filed on an identified report (Form 460, CAL-ACCESS, the generic CSV's
        # `report`): the bulk FEC lines carry none and cost this index nothing.
        Index("ix_contribution_report", "organization_id", "source", "report_id",
              sqlite_where=text("report_id IS NOT NULL"), postgresql_where=text("report_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (organization, source, source_key) index leads with it: no second index. No foreign
    # key either, like import_run_id below: PostgreSQL checks a foreign key once per inserted row
    # (3 s a million rows each), and only the loader writes these rows, with the organization and the
    # import run it holds in the same transaction. Neither parent is ever deleted on its own (the
    # demo reset deletes contributions first).
    organization_id: Mapped[int] = organization_column(index=False, foreign_key=False)
    source: Mapped[str] = mapped_column(_identifier(40))  # fec-itcont, fec-itpas2, form460, csv...
    # Identity of the line across amendments: SUB_ID (FEC bulk) or committee+report+TRAN_ID.
    source_key: Mapped[str] = mapped_column(_identifier(200))
    source_file: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int | None]
    tran_id: Mapped[str | None] = mapped_column(String(80))
    sub_id: Mapped[str | None] = mapped_column(String(40))
    filing_id: Mapped[str | None] = mapped_column(String(80))  # FILE_NUM / FILING_ID+AMEND_ID
    # The report the line was filed on, the same in every amendment of it (Form 460: filer and
    # period; CAL-ACCESS: FILING_ID). Only lines of a report's latest version count: one that an
    # amendment no longer lists is superseded (METHOD.md F08). Empty where the source names none.
    report_id: Mapped[str | None] = mapped_column(String(120))
    amendment_indicator: Mapped[str | None] = mapped_column(String(4))
    transaction_type: Mapped[str | None] = mapped_column(String(8))
    image_num: Mapped[str | None] = mapped_column(String(40))
    recipient_committee_id: Mapped[str] = mapped_column(_identifier(40))
    committee_pk: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="SET NULL"))
    candidate_id: Mapped[str | None] = mapped_column(String(40))  # itpas2 CAND_ID
    donor_name: Mapped[str] = mapped_column(String(300))
    donor_entity_type: Mapped[str | None] = mapped_column(String(8))
    donor_committee_id: Mapped[str | None] = mapped_column(String(40))
    employer: Mapped[str | None] = mapped_column(String(300))
    occupation: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(20))
    zip_code: Mapped[str | None] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date | None]
    memo: Mapped[bool] = mapped_column(default=False)
    memo_text: Mapped[str | None] = mapped_column(String(500))
    receipt_kind: Mapped[str] = mapped_column(String(30), default="receipt")
    superseded: Mapped[bool] = mapped_column(default=False)  # replaced by a later amendment
    raw_sha256: Mapped[str | None] = mapped_column(String(64))
    # Classification (METHOD.md 6.5 step 4)
    donor_class: Mapped[str | None] = mapped_column(String(40))
    tags: Mapped[str | None] = mapped_column(String(200))  # comma-separated
    rule: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[str | None] = mapped_column(String(20))
    evidence: Mapped[dict | None] = mapped_column(JSON)
    import_run_id: Mapped[int | None] = mapped_column(Integer)  # the ImportRun that wrote it (no FK: see above)


class FilingLink(OrgScoped, db.Model):
    """CAL-ACCESS: the filer (committee) that made a filing. RCPT_CD lines name only their filing;
    imported from FILER_FILINGS_CD, this link gives them their recipient committee."""

    __table_args__ = (UniqueConstraint("organization_id", "filing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False)  # the unique index leads with it
    filing_id: Mapped[str] = mapped_column(String(40))
    filer_id: Mapped[str] = mapped_column(String(40))


class Flag(OrgScoped, db.Model):
    """A pledge clause's verdict on one receipt, net of matched refunds, with its evidence."""

    __table_args__ = (
        UniqueConstraint("pledge_clause_id", "contribution_id"),
        one_of("status", FLAG_STATUSES),
        one_of("publication", ("draft", "notified", "published")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_clause_id: Mapped[int] = mapped_column(ForeignKey("pledge_clause.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contribution.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[list | None] = mapped_column(JSON)  # matched refund lines and dates
    evidence: Mapped[dict | None] = mapped_column(JSON)
    # METHOD.md 6.5 step 7: draft -> notified (the candidate is told; notice_days start) -> published.
    # Public pages and the pledge's public status only ever read published flags.
    publication: Mapped[str] = mapped_column(String(20), default="draft")
    notified_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship()


class DonorListEntry(OrgScoped, db.Model):
    """One name on a list the organization keeps: known corporate donors, exceptions (never
    corporate), the company list (e.g. fossil fuel companies) and lobbyist registrants."""

    __table_args__ = (
        UniqueConstraint("organization_id", "list_name", "name"),
        one_of("list_name", DONOR_LISTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = organization_column(index=False)  # the unique index leads with it
    list_name: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
