"""Shared column helpers for the models."""
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def one_of(column: str, values, name: str | None = None, nullable: bool = False) -> CheckConstraint:
    """A CHECK constraint that keeps an enum-like text column inside its vocabulary.

    Written as ``column = 'a' OR column = 'b'``, not ``column IN ('a', 'b')``: SQLite builds a
    temporary index for an IN list each time it checks a row, which made bulk inserts of a million
    vote positions four times slower (bench/bench_votes_import.py).
    """
    condition = " OR ".join(f"{column} = '{value}'" for value in values)
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=name or f"{column}_valid")


def organization_column(index: bool = True, foreign_key: bool = True):
    """The owning organization. Bulk tables pass index=False when another index already leads
    with it or rows are always reached another way (each index costs every insert), and
    foreign_key=False when a parent row's own foreign key already ties them to the organization
    (PostgreSQL checks each foreign key once per inserted row)."""
    if not foreign_key:
        return mapped_column(Integer, index=index)
    return mapped_column(Integer, ForeignKey("organization.id", ondelete="CASCADE"), index=index)


class OrgScoped:
    """Mixin: the row belongs to one organization (a deployment may host a network of them)."""

    organization_id: Mapped[int] = organization_column()


__all__ = ["db", "utcnow", "one_of", "organization_column", "OrgScoped"]
