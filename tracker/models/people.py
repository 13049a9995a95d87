"""People (candidates and officials), the bodies they sit on, and their terms."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import OrgScoped, db, one_of, utcnow

# Schemes of external identifiers, as named in exports (`scheme:id`).
ID_SCHEMES = ("bioguide", "lis", "icpsr", "fec_candidate", "fec_committee", "ocd_person",
              "legistar", "openstates", "govtrack", "opensecrets", "thomas", "wikidata",
              "state_filer", "popolo", "local")


class Body(OrgScoped, db.Model):
    """A voting body: a city council, a legislative chamber."""

    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str | None] = mapped_column(String(200))
    seats: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(40), default="council")  # council, lower, upper


class Person(OrgScoped, db.Model):
    """A candidate or official, known by external ids across sources."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_name: Mapped[str] = mapped_column(String(200), index=True)
    party: Mapped[str | None] = mapped_column(String(100))
    photo_url: Mapped[str | None] = mapped_column(String(500))
    tracked: Mapped[bool] = mapped_column(default=False)  # the organization follows this person
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identifiers: Mapped[list["PersonIdentifier"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    terms: Mapped[list["Term"]] = relationship(back_populates="person", order_by="Term.start_on")

    def ids_text(self) -> str:
        """External ids as `scheme:id` pairs joined by `;` (the export format)."""
        return ";".join(f"{i.scheme}:{i.value}" for i in sorted(self.identifiers, key=lambda i: (i.scheme, i.value)))


class PersonIdentifier(OrgScoped, db.Model):
    """One external id of a person; unique per scheme within an organization."""

    __table_args__ = (UniqueConstraint("organization_id", "scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(120))

    person: Mapped[Person] = relationship(back_populates="identifiers")


class Term(OrgScoped, db.Model):
    """A person's seat on a body from start to end (open-ended when end is null).

    Terms are the memberships that decide eligibility: a roll call outside every term of a person
    on that body is `not_eligible` for them and never counts.
    """

    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="ends_after_start"),
        UniqueConstraint("person_id", "body_id", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    office: Mapped[str] = mapped_column(String(200), default="Member")
    district: Mapped[str | None] = mapped_column(String(100))
    party: Mapped[str | None] = mapped_column(String(100))  # party or ballot line
    start_on: Mapped[date]
    end_on: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="terms")
    body: Mapped[Body] = relationship()
