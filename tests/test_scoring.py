"""The pure scoring core, option by option, on small tables checked by hand (no app, no database)."""
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from imports.vote_options import canonical_position
from tracker import scoring
from tracker.scoring import ScoringOptions

PERSON = 7


def table(votes, person=PERSON):
    """votes: list of (raw label, pro position[, weight[, date[, plank_id]]]) -> (positions, alignments).

    A raw label of None means the person has no row on that roll call."""
    positions, alignments = [], []
    for number, vote in enumerate(votes, start=1):
        raw, pro, weight, voted_on, plank = (list(vote) + [1, date(2024, 3, 1), 1][len(vote) - 2:])[:5]
        alignments.append({"roll_call_id": number, "plank_id": plank, "pro_position": pro, "weight": weight,
                           "voted_on": voted_on, "crucial": None})
        if raw is not None:
            positions.append({"roll_call_id": number, "person_id": person, "position": canonical_position(raw),
                              "raw_label": raw})
    return (pd.DataFrame(positions, columns=["roll_call_id", "person_id", "position", "raw_label"]),
            pd.DataFrame(alignments))


def run(votes, eligibility=None, excusals=None, **options):
    positions, alignments = table(votes)
    return scoring.score(positions, alignments, eligibility, excusals, ScoringOptions(**options))


def pick(scores, scope="overall", window="lifetime", crucial_only=False, person=PERSON):
    row = scores[(scores["scope"] == scope) & (scores["window"] == window)
                 & (scores["crucial_only"] == crucial_only) & (scores["person_id"] == person)]
    assert len(row) == 1, row
    return row.iloc[0]


# --- absence policy and the counted-against set ------------------------------------------------

@pytest.mark.parametrize("policy, exact, missed", [("exclude", "100.00", 0), ("count_against", "80.00", 1),
                                                   ("half_credit", "90.00", 1)])
def test_absence_policy(policy, exact, missed):
    scores, _ = run([("Yea", "yes")] * 4 + [("Not Voting", "yes")], absence_policy=policy)
    row = pick(scores)
    assert row.score_exact == Decimal(exact) and row.missed == missed
    assert row.missed_vote_rate == Decimal("20.00")


def test_counted_against_set_decides_which_positions_are_missed():
    votes = [("Yea", "yes")] * 4 + [("Present", "yes"), ("Not Voting", "yes")]
    only_not_voting = pick(run(votes, absence_policy="count_against", counted_against={"not_voting"})[0])
    assert (only_not_voting.missed, only_not_voting.excluded, only_not_voting.score_exact) == (1, 1, Decimal("80.00"))
    default = pick(run(votes, absence_policy="count_against")[0])
    assert (default.missed, default.excluded, default.score_exact) == (2, 0, Decimal("66.67"))


def test_recusal_and_pair_excluded_unless_listed():
    votes = [("Yea", "yes")] * 4 + [("Recused", "yes"), ("Present, Giving Live Pair", "yes")]
    assert pick(run(votes, absence_policy="count_against")[0]).score_exact == Decimal("100.00")
    listed = pick(run(votes, absence_policy="count_against", counted_against={"recused"})[0])
    assert (listed.score_exact, listed.missed, listed.excluded) == (Decimal("80.00"), 1, 1)


def test_recorded_excused_counts_only_when_listed_but_committee_excusal_never_counts():
    votes = [("Yea", "yes")] * 4 + [("Excused", "yes"), ("Absent", "yes")]
    listed = pick(run(votes, absence_policy="count_against", counted_against={"excused", "absent"})[0])
    assert listed.missed == 2 and listed.score_exact == Decimal("66.67")
    excusals = pd.DataFrame({"roll_call_id": [5, 6], "person_id": [PERSON, PERSON]})
    excused = run(votes, excusals=excusals, absence_policy="count_against", counted_against={"excused", "absent"})
    row = pick(excused[0])
    assert (row.missed, row.excluded, row.score_exact) == (0, 2, Decimal("100.00"))
    assert row.missed_vote_rate == Decimal("33.33")  # still a missed vote in the attendance figure
    reasons = excused[1][excused[1]["scope"] == "overall"].set_index("roll_call_id")["reason"]
    assert reasons[5].startswith("absence excused by the committee")


def test_committee_excusal_does_not_hide_a_cast_vote():
    excusals = pd.DataFrame({"roll_call_id": [4], "person_id": [PERSON]})
    row = pick(run([("Yea", "yes")] * 3 + [("Nay", "yes")], excusals=excusals)[0])
    assert (row.agreeing, row.disagreeing, row.score_exact) == (3, 1, Decimal("75.00"))


def test_unknown_label_is_excluded_never_abstain():
    _, details = run([("Yea", "yes")] * 4 + [("Hold", "yes")], absence_policy="count_against",
                     counted_against={"abstain"})
    row = details[(details["scope"] == "overall") & (details["roll_call_id"] == 5)].iloc[0]
    assert (row.position, row.outcome) == ("unknown", "excluded")
    assert "review" in row.reason


# --- weights, rounding, ties ---------------------------------------------------------------------

def test_weights_and_points():
    scores, details = run([("Yea", "yes", 2), ("Nay", "yes", 1), ("Yea", "yes", 1), ("Nay", "yes", 3)])
    row = pick(scores)
    assert (row.numerator, row.denominator, row.score_exact, row.score_display) == (
        Decimal("3.00"), Decimal("7.00"), Decimal("42.86"), 43)
    overall = details[details["scope"] == "overall"]
    assert overall["points"].tolist() == [2.0, 0.0, 1.0, 0.0] and overall["weight"].tolist() == [2, 1, 1, 3]


def test_half_credit_keeps_halves_exact():
    row = pick(run([("Yea", "yes")] * 3 + [("Nay", "yes")] * 4 + [("Not Voting", "yes")], absence_policy="half_credit")[0])
    # (3 + 0.5) / 8 = 43.75
    assert (row.numerator, row.denominator, row.score_exact, row.score_display) == (
        Decimal("3.50"), Decimal("8.00"), Decimal("43.75"), 44)


@pytest.mark.parametrize("agree, disagree, exact, display", [
    (1, 7, "12.50", 13), (2, 2, "50.00", 50), (1, 2, "33.33", 33), (2, 1, "66.67", 67), (7, 1, "87.50", 88),
    (1, 199, "0.50", 1), (5, 3, "62.50", 63)])
def test_rounding_is_half_up(agree, disagree, exact, display):
    row = pick(run([("Yea", "yes")] * agree + [("Nay", "yes")] * disagree, min_counted_votes=3)[0])
    assert (row.score_exact, row.score_display) == (Decimal(exact), display)


# --- minimum counted votes, all absent -------------------------------------------------------------

def test_min_counted_votes_boundary():
    assert pick(run([("Yea", "yes")] * 4)[0]).status == "ok"
    short = pick(run([("Yea", "yes")] * 3)[0])
    assert (short.status, short.score_exact, short.score_display, short.counted) == ("insufficient_data", None, None, 3)
    assert pick(run([("Yea", "yes")] * 3, min_counted_votes=3)[0]).score_exact == Decimal("100.00")


@pytest.mark.parametrize("policy, status, exact", [("exclude", "insufficient_data", None),
                                                   ("count_against", "ok", Decimal("0.00")),
                                                   ("half_credit", "ok", Decimal("50.00"))])
def test_all_absent(policy, status, exact):
    row = pick(run([("Not Voting", "yes")] * 5, absence_policy=policy)[0])
    assert (row.status, row.score_exact, row.missed_vote_rate) == (status, exact, Decimal("100.00"))


# --- eligibility: terms, people joining mid-period, missing rows -------------------------------------

def test_person_who_joined_mid_period_is_not_scored_on_earlier_roll_calls():
    votes = [("Nay", "yes", 1, date(2024, 1, 10)), (None, "yes", 1, date(2024, 2, 10))] + \
            [("Yea", "yes", 1, date(2024, 5, d)) for d in range(1, 5)]
    terms = pd.DataFrame({"person_id": [PERSON], "start_on": [date(2024, 4, 1)], "end_on": [None], "term_id": [31]})
    scores, details = run(votes, eligibility=terms, absence_policy="count_against")
    row = pick(scores)
    assert (row.eligible, row.counted, row.missed, row.score_exact) == (4, 4, 0, Decimal("100.00"))
    assert pick(scores, window="term:31").score_exact == Decimal("100.00")
    assert set(details["roll_call_id"]) == {3, 4, 5, 6}


def test_seated_without_a_row_is_absent():
    votes = [("Yea", "yes")] * 4 + [(None, "yes")]
    terms = pd.DataFrame({"person_id": [PERSON], "start_on": [date(2020, 1, 1)], "end_on": [None]})
    exclude = pick(run(votes, eligibility=terms)[0])
    assert (exclude.score_exact, exclude.excluded, exclude.missed_vote_rate) == (Decimal("100.00"), 1, Decimal("20.00"))
    counted = run(votes, eligibility=terms, absence_policy="count_against")
    assert pick(counted[0]).score_exact == Decimal("80.00")
    row = counted[1][(counted[1]["scope"] == "overall") & (counted[1]["roll_call_id"] == 5)].iloc[0]
    assert (row.position, row.raw_label, row.outcome) == ("absent", "", "missed")
    assert "not on the roll" in row.reason


def test_term_ending_and_body_matching():
    positions, alignments = table([("Yea", "yes", 1, date(2024, m, 1)) for m in range(1, 9)])
    alignments["body_id"] = [1] * 4 + [2] * 4
    terms = pd.DataFrame({"person_id": [PERSON, PERSON], "body_id": [1, 2], "start_on": [date(2024, 1, 1)] * 2,
                          "end_on": [date(2024, 3, 31), None], "term_id": [1, 2]})
    scores, _ = scoring.score(positions, alignments, terms, None, ScoringOptions(min_counted_votes=1))
    # Body 1 term ends in March: April's roll call (body 1) is not eligible; body 2 term covers May-August.
    assert pick(scores).eligible == 7
    assert pick(scores, window="term:1").eligible == 3 and pick(scores, window="term:2").eligible == 4


def test_resolved_eligibility_form():
    positions, alignments = table([("Yea", "yes")] * 5)
    resolved = pd.DataFrame({"roll_call_id": [1, 2, 3, 4, 5], "person_id": [PERSON] * 5,
                             "eligible": [True, True, True, True, False]})
    scores, _ = scoring.score(positions, alignments, resolved, None, ScoringOptions())
    assert pick(scores).eligible == 4


# --- scopes: planks, overall pooled / plank average --------------------------------------------------

def test_roll_call_with_two_planks_counts_once_overall():
    positions, alignments = table([("Yea", "yes")] * 4)
    second = alignments.iloc[[0]].assign(plank_id=2, weight=3)
    scores, details = scoring.score(positions, pd.concat([alignments, second]), None, None, ScoringOptions(min_counted_votes=1))
    overall = pick(scores)
    assert (overall.counted, overall.denominator) == (4, Decimal("6.00"))  # once, with the larger weight
    assert pick(scores, scope="plank:2").counted == 1
    assert details[(details["scope"] == "overall") & (details["roll_call_id"] == 1)].iloc[0].plank_ids == [1, 2]


def test_planks_disagreeing_on_pro_position_leave_the_roll_call_out_of_overall():
    positions, alignments = table([("Yea", "yes")] * 5)
    second = alignments.iloc[[0]].assign(plank_id=2, pro_position="no")
    scores, _ = scoring.score(positions, pd.concat([alignments, second]), None, None, ScoringOptions(min_counted_votes=1))
    assert (pick(scores).counted, pick(scores).excluded) == (4, 1)
    assert pick(scores, scope="plank:2").score_exact == Decimal("0.00")


def test_overall_mode_plank_average_vs_pooled():
    votes = [("Yea", "yes", 1, date(2024, 3, 1), 1)] * 4 + [("Yea", "yes", 1, date(2024, 3, 1), 2)] * 2 + \
            [("Nay", "yes", 1, date(2024, 3, 1), 2)] * 4 + [("Yea", "yes", 1, date(2024, 3, 1), 3)] * 3
    pooled = pick(run(votes)[0])
    assert pooled.score_exact == Decimal("69.23")  # 9 / 13
    averaged = run(votes, overall_mode="plank_average")[0]
    row = pick(averaged)
    # plank 1: 100.00, plank 2: 33.33, plank 3: only 3 votes (insufficient, left out) -> 133.33 / 2
    assert pick(averaged, scope="plank:3").status == "insufficient_data"
    assert (row.numerator, row.denominator, row.score_exact, row.score_display) == (
        Decimal("133.33"), Decimal("2.00"), Decimal("66.67"), 67)


# --- windows ----------------------------------------------------------------------------------------

def test_lifetime_pools_years():
    votes = [("Yea", "yes", 1, date(2023, 5, 1))] * 4 + [("Yea", "yes", 1, date(2024, 5, 1))] * 2 + \
            [("Nay", "yes", 1, date(2024, 5, 1))] * 6
    scores, _ = run(votes)
    assert pick(scores, window="year:2023").score_exact == Decimal("100.00")
    assert pick(scores, window="year:2024").score_exact == Decimal("25.00")
    assert pick(scores).score_exact == Decimal("50.00")


def test_lifetime_excludes_insufficient_sessions():
    votes = [("Yea", "yes", 1, date(2023, 5, 1))] * 4 + [("Nay", "yes", 1, date(2024, 5, 1))] * 2
    assert pick(run(votes)[0]).score_exact == Decimal("66.67")
    strict = run(votes, lifetime_excludes_insufficient_sessions=True)[0]
    assert pick(strict, window="year:2024").status == "insufficient_data"
    assert (pick(strict).score_exact, pick(strict).counted) == (Decimal("100.00"), 4)


def test_windows_option_limits_windows():
    scores, _ = run([("Yea", "yes")] * 4, windows=("lifetime",))
    assert set(scores["window"]) == {"lifetime"}


# --- crucial votes -----------------------------------------------------------------------------------

def test_crucial_only_scores_use_close_votes_and_manual_flags():
    positions, alignments = table([("Yea", "yes")] * 3 + [("Nay", "yes")] * 3)
    alignments["yes_count"] = [5, 6, 7, 4, 9, 5]
    alignments["no_count"] = [4, 3, 2, 4, 0, 4]
    alignments["required_majority"] = ["1/2", "1/2", "1/2", "1/2", "1/2", "2/3"]
    alignments["crucial"] = [None, None, None, None, True, None]
    scores, details = scoring.score(positions, alignments, None, None, ScoringOptions(min_counted_votes=1))
    crucial = details[details["scope"] == "overall"].set_index("roll_call_id")["crucial"].to_dict()
    # 5-4, 6-3 crucial; 7-2 not; 4-4 tie crucial; 9-0 marked by hand; 2/3 question never computed.
    assert crucial == {1: True, 2: True, 3: False, 4: True, 5: True, 6: False}
    row = pick(scores, crucial_only=True)
    assert (row.agreeing, row.disagreeing, row.score_exact) == (2, 2, Decimal("50.00"))
    assert pick(scores, crucial_only=True, window="year:2024").counted == 4
    wider = scoring.score(positions, alignments, None, None, ScoringOptions(min_counted_votes=1, crucial_swing_max=3))[0]
    assert pick(wider, crucial_only=True).counted == 5


def test_swing_vectorized_matches_scalar():
    assert list(scoring.swing(pd.Series([5, 6, 7, 4]), pd.Series([4, 3, 2, 4]))) == [1, 2, 3, 1]
    assert scoring.crucial(52, 44) is False and scoring.swing(52, 44) == 5


# --- several people at once ----------------------------------------------------------------------------

def test_many_people_are_scored_independently():
    positions = pd.DataFrame({"roll_call_id": [1, 2, 3, 4] * 2, "person_id": [1] * 4 + [2] * 4,
                              "position": ["yes"] * 4 + ["no", "no", "yes", "yes"], "raw_label": ["Aye"] * 8})
    alignments = pd.DataFrame({"roll_call_id": [1, 2, 3, 4], "plank_id": 1, "pro_position": "yes", "weight": 1,
                               "voted_on": date(2024, 1, 1), "crucial": None})
    scores, _ = scoring.score(positions, alignments, None, None, ScoringOptions())
    assert pick(scores, person=1).score_exact == Decimal("100.00")
    assert pick(scores, person=2).score_exact == Decimal("50.00")


def test_no_alignments_gives_no_scores():
    positions, alignments = table([("Yea", "yes")])
    scores, details = scoring.score(positions, alignments.iloc[0:0], None, None, ScoringOptions())
    assert scores.empty and details.empty and list(scores.columns) == scoring.SCORE_COLUMNS


# --- options, rule-set names, bands --------------------------------------------------------------------

def test_default_rule_set_name():
    assert ScoringOptions().rule_set_name() == \
        "absence=exclude;against=absent,abstain,not_voting,present;min=4;overall=pooled;v2026.1"
    named = ScoringOptions(absence_policy="half_credit", crucial_swing_max=3, counted_against={"absent"})
    assert named.rule_set_name() == "absence=half_credit;against=absent;min=4;overall=pooled;swing=3;v2026.1"


def test_options_round_trip_and_validation():
    options = ScoringOptions.from_dict({"absence_policy": "count_against", "counted_against": "absent,present",
                                        "min_counted_votes": 6})
    assert ScoringOptions.from_dict(options.to_dict()) == options
    assert ScoringOptions.from_dict(None) == ScoringOptions()
    for bad in ({"absence_policy": "ignore"}, {"counted_against": ["yes"]}, {"min_counted_votes": -1},
                {"overall_mode": "median"}, {"colour": "red"}, {"min_counted_votes": "4"}):
        with pytest.raises(ValueError):
            ScoringOptions.from_dict(bad)


def test_bands():
    bands = scoring.parse_bands("90:keeps the program,70:mostly,0:breaks it")
    assert bands[0] == {"min": 90, "label": "keeps the program"}
    assert scoring.band_for(Decimal("90.00"), bands) == "keeps the program"
    assert scoring.band_for(Decimal("89.99"), bands) == "mostly"
    assert scoring.band_for(Decimal("0.00"), bands) == "breaks it"
    assert scoring.band_for(None, bands) is None
    for bad in ("90", "x:label", "120:too high", "50:"):
        with pytest.raises(ValueError):
            scoring.parse_bands(bad)


def test_scored_roll_calls_without_anyone_eligible_give_no_scores():
    positions, alignments = table([(None, "yes")] * 4)
    scores, details = scoring.score(positions, alignments, None, None, ScoringOptions())
    assert scores.empty and details.empty
    terms = pd.DataFrame({"person_id": [PERSON], "start_on": [date(2030, 1, 1)], "end_on": [None]})
    assert scoring.score(positions, alignments, terms, None, ScoringOptions(), with_details=False)[0].empty
