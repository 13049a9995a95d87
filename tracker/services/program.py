"""Program versions: the exact text a candidate signs and its SHA-256."""
import hashlib

from tracker.models import ProgramVersion
from tracker.models.base import utcnow


def version_text(version: ProgramVersion) -> str:
    """The canonical text of a version: preamble, then each plank numbered with its tier."""
    lines = [f"Program version {version.number}"]
    if version.preamble:
        lines += ["", version.preamble.strip()]
    for plank in sorted(version.planks, key=lambda p: p.position):
        lines += ["", f"{plank.position}. {plank.title} [{plank.category}; {plank.tier}]", plank.body.strip()]
    return "\n".join(lines) + "\n"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ImmutableVersionError(ValueError):
    """An adopted version cannot change."""


def adopt(version: ProgramVersion, adopted_at=None) -> ProgramVersion:
    """Freeze a draft version: fix its text hash and mark it adopted."""
    if version.status != "draft":
        raise ImmutableVersionError(f"Version {version.number} is already {version.status}.")
    version.text_sha256 = sha256_text(version_text(version))
    version.status = "adopted"
    version.adopted_on = adopted_at or utcnow()
    return version
