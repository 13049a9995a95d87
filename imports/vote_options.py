"""The one vocabulary of vote positions (METHOD.md section 2).

Every source label maps to exactly one canonical position; the raw label is always kept beside it.
A label we do not recognise becomes ``unknown``: it is never guessed (a candidate's name in a
Speaker election, a blank, a client-defined Legistar value such as "Hold").
"""
import re

YES, NO = "yes", "no"
POSITIONS = (
    "yes", "no", "abstain", "present", "recused", "paired",
    "not_voting", "absent", "excused", "not_eligible", "unknown",
)

# Participation class of each position: voted, declined (was there, did not take a side),
# absent (was not there), n/a (not seated), unknown.
PARTICIPATION = {
    "yes": "voted", "no": "voted",
    "abstain": "declined", "present": "declined", "recused": "declined", "paired": "declined",
    "not_voting": "absent", "absent": "absent", "excused": "absent",
    "not_eligible": "n/a", "unknown": "unknown",
}

# Positions that count as a missed vote in the published missed-vote rate (present is not missed).
MISSED = frozenset({"not_voting", "absent", "excused"})

_LABELS = {
    # yes
    "yea": YES, "aye": YES, "yes": YES, "y": YES, "affirmative": YES, "rising vote": YES,
    "in favor": YES, "in favour": YES, "guilty": YES,
    # no
    "nay": NO, "no": NO, "n": NO, "negative": NO, "against": NO, "not guilty": NO, "opposed": NO,
    # declined
    "abstain": "abstain", "abstained": "abstain", "abstention": "abstain", "abstaining": "abstain",
    "present": "present",
    "recused": "recused", "recusal": "recused", "recuse": "recused",
    "present, giving live pair": "paired", "paired": "paired", "pair": "paired",
    # absent
    "not voting": "not_voting", "non-voting": "not_voting", "non voting": "not_voting",
    "did not vote": "not_voting", "not_voting": "not_voting", "nv": "not_voting",
    "absent": "absent", "suspended": "absent", "simultaneous": "absent", "conflict": "absent",
    "leave of absence": "absent",
    "excused": "excused", "bereavement": "excused", "medical": "excused", "maternity": "excused",
    "paternity": "excused", "parental": "excused", "jury duty": "excused",
}

_SPACES = re.compile(r"\s+")


def canonical_position(raw_label: str | None) -> str:
    """Map a label as filed to its canonical position; ``unknown`` when not recognised."""
    if raw_label is None:
        return "unknown"
    key = _SPACES.sub(" ", str(raw_label)).strip().lower()
    return _LABELS.get(key, "unknown")


def opposite(position: str) -> str | None:
    """The disagreeing position for a pro position (yes <-> no)."""
    return {YES: NO, NO: YES}.get(position)
