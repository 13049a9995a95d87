"""Read-side summaries for the home page and area landing pages."""
from sqlalchemy import func

from tracker.extensions import db
from tracker.models import (Body, Endorsement, Person, Pledge, Plank, Program, ProgramVersion,
                            RollCall, Term)


def adopted_version(organization) -> ProgramVersion | None:
    """The newest adopted program version, or None."""
    return db.session.execute(
        db.select(ProgramVersion).filter_by(organization_id=organization.id, status="adopted")
        .order_by(ProgramVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def home_summary(organization) -> dict:
    """Counts the home page shows, in a handful of aggregate queries."""
    org_id = organization.id

    def count(model, *where):
        return db.session.execute(
            db.select(func.count()).select_from(model).where(model.organization_id == org_id, *where)
        ).scalar_one()

    version = adopted_version(organization)
    return {
        "version": version,
        "plank_count": count(Plank, Plank.version_id == version.id) if version else 0,
        "official_count": db.session.execute(
            db.select(func.count(func.distinct(Term.person_id))).where(Term.organization_id == org_id)
        ).scalar_one(),
        "roll_call_count": count(RollCall),
        "body_count": count(Body),
        "endorsed_count": count(Endorsement, Endorsement.decision == "endorsed"),
        "signed_count": count(Pledge, Pledge.status.in_(("signed", "broken"))),
        "broken_count": count(Pledge, Pledge.status == "broken"),
        "program_count": count(Program),
        "person_count": count(Person),
    }
