"""The label table of METHOD.md §2: every label it lists maps to its canonical position."""
import pandas as pd
import pytest

from imports.vote_options import MISSED, PARTICIPATION, POSITIONS, canonical_position
from imports.vote_records import map_positions

METHOD_TABLE = {
    "yes": ["Yea", "Aye", "Yes", "Affirmative", "Rising Vote", "In favor", "Y", "Guilty"],
    "no": ["Nay", "No", "Negative", "Against", "N", "Not Guilty"],
    "abstain": ["Abstain", "Abstained", "Abstention", "abstain"],
    "present": ["Present"],
    "recused": ["Recused", "Recusal"],
    "paired": ["Present, Giving Live Pair", "paired"],
    "not_voting": ["Not Voting", "Non-voting", "Did not vote", "not voting"],
    "absent": ["Absent", "Suspended", "Simultaneous", "Conflict", "Leave of absence", "absent"],
    "excused": ["Excused", "Bereavement", "Medical", "Maternity", "Paternity", "Parental", "Jury Duty", "excused"],
}


@pytest.mark.parametrize("position, label", [(p, label) for p, labels in METHOD_TABLE.items() for label in labels])
def test_method_table(position, label):
    assert canonical_position(label) == position
    assert canonical_position(f"  {label.upper()}  ") == position  # case and spacing as filed vary


@pytest.mark.parametrize("label", ["Hold", "Johnson (LA)", "Jeffries", "other", "", None, "1", "Present Giving Pair"])
def test_anything_else_is_unknown_never_guessed(label):
    assert canonical_position(label) == "unknown"


def test_vocabulary_is_consistent():
    assert set(PARTICIPATION) == set(POSITIONS)
    assert MISSED == {"not_voting", "absent", "excused"} and "present" not in MISSED


def test_map_positions_is_per_distinct_label_and_keeps_order():
    labels = pd.Series(["Yea", "Nay", "Yea", "Hold", None, "Present, Giving Live Pair"], dtype=object)
    assert map_positions(labels).tolist() == ["yes", "no", "yes", "unknown", "unknown", "paired"]
    assert map_positions(pd.Series(["1", "9"], dtype=object), extra={"1": "yes"}).tolist() == ["yes", "unknown"]
