"""The ballot core (BALLOTS.md sections 2, 3, 5 and cases B01-B12): no app, no database."""
import itertools
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.ballots import (DEFAULT_OPTION, MAJORITIES, BallotFileError, RankedResult, YesNoResult,
                             guess_ballot_format, pairwise_matrix, passes, quorum_needed, read_ballot_csv,
                             read_ballot_file, read_blt, strongest_paths, tally_ranked, tally_yes_no)

PROPERTY = settings(max_examples=200, deadline=None)


def ballots(options, *groups):
    """Rank rows (option order) from groups like (3, "X>D>Y"); "A=B" ranks A and B equal;
    options not written are unranked (0)."""
    rows = []
    for count, order in groups:
        row = [0] * len(options)
        for place, level in enumerate(order.split(">"), start=1):
            for option in level.split("="):
                row[options.index(option)] = place
        rows.extend([row] * count)
    return rows


# ----------------------------------------------------------------------------- yes/no (section 2)

def test_b01_quorum_reached_and_simple_majority_passes():
    quorum = quorum_needed(40, "0.5")
    assert quorum == 20
    result = tally_yes_no(10, 9, 5, quorum=quorum)
    assert (result.ballots, result.outcome) == (24, "passed")


def test_b02_a_tie_fails():
    assert tally_yes_no(10, 10, majority="simple").outcome == "failed"
    assert passes(10, 10, "simple") is False


def test_b03_two_thirds_reached_exactly_passes():
    assert tally_yes_no(20, 10, majority="two-thirds").outcome == "passed"  # 60 >= 60


def test_b04_two_thirds_missed_by_one_fails():
    assert tally_yes_no(19, 10, majority="two-thirds").outcome == "failed"  # 57 < 58


def test_b05_abstentions_count_for_quorum_only():
    quorum = quorum_needed(100, "0.25")
    assert quorum == 25
    short = tally_yes_no(20, 0, 4, quorum=quorum)
    assert (short.ballots, short.outcome) == (24, "no quorum")
    assert tally_yes_no(20, 0, 5, quorum=quorum).outcome == "passed"


@pytest.mark.parametrize("yes, no, majority, expected", [
    (1, 0, "simple", True), (0, 0, "simple", False), (5, 4, "simple", True), (4, 5, "simple", False),
    (2, 1, "two-thirds", True), (1, 1, "two-thirds", False), (0, 0, "two-thirds", False),
    (1, 0, "two-thirds", True), (199, 100, "two-thirds", False), (200, 100, "two-thirds", True),
    (3, 1, "three-quarters", True), (5, 2, "three-quarters", False), (299, 100, "three-quarters", False),
    (300, 100, "three-quarters", True), (0, 0, "three-quarters", False), (1, 0, "three-quarters", True),
])
def test_thresholds_at_their_edges(yes, no, majority, expected):
    assert passes(yes, no, majority) is expected


def test_yes_no_result_as_dict_and_quorum_edge():
    at_quorum = tally_yes_no(3, 2, 1, quorum=6, majority="simple")
    assert at_quorum.outcome == "passed"
    assert at_quorum.as_dict() == {"yes": 3, "no": 2, "abstain": 1, "ballots": 6, "quorum": 6,
                                   "majority": "simple", "outcome": "passed"}
    assert tally_yes_no(3, 2, 0, quorum=6).outcome == "no quorum"
    assert isinstance(at_quorum, YesNoResult)


@pytest.mark.parametrize("call", [
    lambda: tally_yes_no(-1, 0), lambda: tally_yes_no(1.5, 0), lambda: tally_yes_no(True, 0),
    lambda: tally_yes_no(1, 0, quorum=-1), lambda: tally_yes_no(1, 0, majority="half"),
    lambda: passes(1, 0, "two-third"),
])
def test_yes_no_refuses_what_is_not_a_count(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("electorate, fraction, expected", [
    (0, "0.5", 0), (0, 1, 0), (10, 0, 0), (10, "0", 0), (10, 1, 10), (1, "0.01", 1), (1, "1/1000", 1),
    (10, "1/3", 4), (9, "1/3", 3), (40, "0.5", 20), (41, "0.5", 21), (100, "0.25", 25), (101, "1/4", 26),
    (100, Fraction(1, 4), 25), (100, Decimal("0.25"), 25), (10, 0.1, 1), (30, 0.1, 3), (7, "25%", 2),
    (3, "2/3", 2), (4, " 2/3 ", 3),
])
def test_quorum_needed_is_the_exact_ceiling(electorate, fraction, expected):
    assert quorum_needed(electorate, fraction) == expected


@pytest.mark.parametrize("electorate, fraction", [
    (10, "1.5"), (10, -1), (10, "-0.1"), (10, "4/3"), (10, "half"), (10, "1/0"), (10, None), (10, True),
    (-1, "0.5"), (2.5, "0.5"), (10, float("nan")), (10, "101%"),
])
def test_quorum_needed_refuses_bad_input(electorate, fraction):
    with pytest.raises(ValueError):
        quorum_needed(electorate, fraction)


# ----------------------------------------------------------------------------- ranked (section 3)

B07_OPTIONS = ["A", "B", "C", "D", "E"]
B07_GROUPS = [(5, "A>C>B>E>D"), (5, "A>D>E>C>B"), (8, "B>E>D>A>C"), (3, "C>A>B>E>D"), (7, "C>A>E>B>D"),
              (2, "C>B>A>D>E"), (7, "D>C>E>B>A"), (8, "E>B>A>D>C")]
B07_D = [[0, 20, 26, 30, 22], [25, 0, 16, 33, 18], [19, 29, 0, 17, 24], [15, 12, 28, 0, 14], [23, 27, 21, 31, 0]]
B07_P = [[0, 28, 28, 30, 24], [25, 0, 28, 33, 24], [25, 29, 0, 29, 24], [25, 28, 28, 0, 24], [25, 28, 28, 31, 0]]


def table(options, rows):
    return {x: {y: rows[i][j] for j, y in enumerate(options) if j != i} for i, x in enumerate(options)}


def test_b07_schulze_example_full_matrices():
    rows = ballots(B07_OPTIONS, *B07_GROUPS)
    assert len(rows) == 45
    assert pairwise_matrix(np.array(rows)).tolist() == B07_D
    assert strongest_paths(np.array(B07_D)).tolist() == B07_P
    result = tally_ranked(B07_OPTIONS, rows)
    assert result.ballots == 45
    assert result.pairwise == table(B07_OPTIONS, B07_D)
    assert result.strongest_paths == table(B07_OPTIONS, B07_P)
    assert (result.winners, result.winner, result.result) == (["E"], "E", "winner")
    assert result.ranking == ["E", "A", "C", "B", "D"]
    assert result.dropped == []


def test_b07_with_weights_equals_one_row_per_ballot():
    rows = [ballots(B07_OPTIONS, (1, order))[0] for _, order in B07_GROUPS]
    weighted = tally_ranked(B07_OPTIONS, rows, weights=[count for count, _ in B07_GROUPS])
    assert weighted == tally_ranked(B07_OPTIONS, ballots(B07_OPTIONS, *B07_GROUPS))
    assert pairwise_matrix(np.array(rows), np.array([c for c, _ in B07_GROUPS])).tolist() == B07_D


def test_b08_both_alternatives_dropped_default_wins():
    options = ["X", "Y", "D"]
    result = tally_ranked(options, ballots(options, (3, "X>D>Y"), (2, "Y>D>X"), (2, "D>X>Y")), default="D")
    assert (result.pairwise["X"]["D"], result.pairwise["D"]["X"]) == (3, 4)
    assert (result.pairwise["Y"]["D"], result.pairwise["D"]["Y"]) == (2, 5)
    assert result.dropped == [
        {"option": "X", "reason": "ranked above 'D' on 3 ballots, below it on 4: needs more than half"},
        {"option": "Y", "reason": "ranked above 'D' on 2 ballots, below it on 5: needs more than half"}]
    assert (result.result, result.winner, result.winners, result.ranking) == ("default", "D", ["D"], ["D"])
    assert result.strongest_paths == {"D": {}}


def test_b09_two_alternatives_tie_nothing_changes():
    options = ["A", "B", "D"]
    result = tally_ranked(options, ballots(options, (2, "A>B>D"), (2, "B>A>D")), default="D")
    assert result.pairwise["A"]["D"] == 4 and result.pairwise["D"]["A"] == 0
    assert result.pairwise["A"]["B"] == result.pairwise["B"]["A"] == 2
    assert result.dropped == []
    assert (result.result, result.winner, result.winners) == ("tie", None, ["A", "B"])
    assert result.ranking == ["A", "B", "D"]


def test_b10_an_even_split_with_the_default_drops_the_alternative():
    options = ["A", DEFAULT_OPTION]
    result = tally_ranked(options, ballots(options, (2, f"A>{DEFAULT_OPTION}"), (2, f"{DEFAULT_OPTION}>A")),
                          default=DEFAULT_OPTION)
    assert result.dropped == [{"option": "A", "reason": "ranked above 'keep the current text' on 2 ballots, "
                                                        "below it on 2: needs more than half"}]
    assert (result.result, result.winner) == ("default", DEFAULT_OPTION)


def test_b11_unranked_options_come_last_and_equal():
    options = ["A", "B", "D"]
    for rows in ([[1, 0, 0]], [[1, None, None]], np.array([[1, 0, 0]])):
        d = tally_ranked(options, rows).pairwise
        assert d == {"A": {"B": 1, "D": 1}, "B": {"A": 0, "D": 0}, "D": {"A": 0, "B": 0}}


def test_b12_two_thirds_over_the_default():
    options = ["A", "D"]
    short = tally_ranked(options, ballots(options, (5, "A>D"), (3, "D>A")), default="D", majority="two-thirds")
    assert short.dropped == [{"option": "A", "reason": "ranked above 'D' on 5 ballots, below it on 3: needs at least "
                                                       "two-thirds (twice as many above it as below)"}]
    assert (short.result, short.winner) == ("default", "D")
    enough = tally_ranked(options, ballots(options, (6, "A>D"), (3, "D>A")), default="D", majority="two-thirds")
    assert (enough.dropped, enough.result, enough.winner) == ([], "winner", "A")


@pytest.mark.parametrize("above, below, majority, kept", [
    (3, 2, "simple", True), (2, 2, "simple", False), (1, 0, "simple", True), (0, 0, "simple", False),
    (6, 3, "two-thirds", True), (5, 3, "two-thirds", False), (1, 0, "two-thirds", True), (0, 0, "two-thirds", False),
    (9, 3, "three-quarters", True), (8, 3, "three-quarters", False), (0, 0, "three-quarters", False),
])
def test_dropping_thresholds_at_their_edges(above, below, majority, kept):
    options = ["A", "D"]
    result = tally_ranked(options, ballots(options, (above, "A>D"), (below, "D>A")), default="D", majority=majority)
    assert (result.dropped == []) is kept
    assert result.winner == ("A" if kept else "D")


def test_ranked_no_quorum_publishes_d_and_decides_nothing():
    options = ["A", "B", "D"]
    result = tally_ranked(options, ballots(options, (3, "A>B>D")), default="D", quorum=4)
    assert (result.result, result.winner, result.winners, result.ranking, result.dropped) == \
        ("no quorum", None, [], [], [])
    assert result.strongest_paths == {}
    assert result.pairwise["A"]["B"] == 3 and result.ballots == 3
    at_quorum = tally_ranked(options, ballots(options, (3, "A>B>D")), default="D", quorum=3)
    assert (at_quorum.result, at_quorum.winner) == ("winner", "A")


def test_weights_count_for_the_quorum_and_blank_ballots_are_cast():
    options = ["A", "B"]
    assert tally_ranked(options, [[1, 2], [0, 0]], weights=[2, 1], quorum=3).result == "winner"
    assert tally_ranked(options, [[1, 2], [0, 0]], weights=[1, 1], quorum=3).result == "no quorum"
    assert tally_ranked(options, [[1, 2]], weights=[0], quorum=1).ballots == 0


def test_no_default_and_several_winners_is_a_tie_and_no_ballots_decide_nothing():
    assert tally_ranked(["A", "B"], []).result == "tie"
    assert tally_ranked(["A", "B"], np.zeros((0, 2), dtype=int)).winners == ["A", "B"]
    empty = tally_ranked(["A", "D"], [], default="D")
    assert (empty.result, empty.winner, [d["option"] for d in empty.dropped]) == ("default", "D", ["A"])


def test_an_even_split_is_a_tie_without_a_default_and_the_default_with_one():
    options = ["A", "D"]
    rows = ballots(options, (1, "A>D"), (1, "D>A"))
    assert (tally_ranked(options, rows).result, tally_ranked(options, rows).winners) == ("tie", ["A", "D"])
    assert tally_ranked(options, rows, default="D").result == "default"


def test_ranking_most_beaten_first_equal_counts_in_the_given_order():
    options = [f"option {i:02}" for i in range(40)]
    everyone_equal = tally_ranked(options, [[1] * 40])
    assert everyone_equal.ranking == options and everyone_equal.result == "tie"
    # The last option beats everyone; the rest tie among themselves.
    result = tally_ranked(options, [[2] * 39 + [1]])
    assert result.ranking == options[-1:] + options[:-1]
    assert (result.result, result.winner) == ("winner", "option 39")


def test_ranked_result_as_dict_holds_plain_values():
    import json
    result = tally_ranked(B07_OPTIONS, ballots(B07_OPTIONS, *B07_GROUPS), default="A", quorum=5)
    data = result.as_dict()
    assert set(data) >= {"options", "ballots", "pairwise", "strongest_paths", "dropped", "winners", "ranking",
                         "result", "winner"}
    assert json.loads(json.dumps(data)) == data
    assert type(data["pairwise"]["A"]["B"]) is int and type(data["ballots"]) is int
    assert isinstance(result, RankedResult)


@pytest.mark.parametrize("options, rankings, kwargs, message", [
    (["A", "B"], [[1, 2, 3]], {}, "2 ranks"),
    (["A", "B"], [[1, 2], [1]], {}, "2 ranks"),
    (["A", "B"], [[]], {}, "2 ranks"),
    (["A", "B"], np.array([[1, 2, 3]]), {}, "2 ranks"),
    (["A", "B"], [[1, -1]], {}, "1 or more"),
    (["A", "B"], np.array([[1, -1]]), {}, "1 or more"),
    (["A", "B"], [[1, 1.5]], {}, "whole numbers"),
    (["A", "B"], [[1, "2"]], {}, "whole numbers"),
    (["A", "A"], [[1, 2]], {}, "distinct"),
    ([], [], {}, "at least one option"),
    (["A", ""], [[1, 2]], {}, "non-blank"),
    (["A", "B"], [[1, 2]], {"default": "C"}, "not one of the options"),
    (["A", "B"], [[1, 2]], {"majority": "half"}, "majority"),
    (["A", "B"], [[1, 2]], {"quorum": -1}, "quorum"),
    (["A", "B"], [[1, 2]], {"weights": [1, 2]}, "one count per ballot"),
    (["A", "B"], [[1, 2]], {"weights": [-1]}, "0 or more"),
    (["A", "B"], [[1, 2]], {"weights": [1.5]}, "whole numbers"),
])
def test_tally_ranked_refuses_bad_input(options, rankings, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tally_ranked(options, rankings, **kwargs)


def test_pairwise_matrix_and_strongest_paths_refuse_non_integer_arrays():
    with pytest.raises(ValueError):
        pairwise_matrix(np.array([[1.0, 2.0]]))
    with pytest.raises(ValueError):
        pairwise_matrix(np.array([1, 2]))
    with pytest.raises(ValueError):
        strongest_paths(np.zeros((2, 3), dtype=int))


def test_adding_a_ballot_with_the_winner_first_can_unseat_it_in_schulze():
    """Why property (2) below adds a ballot ranking the winner first and nothing else: with other
    preferences on it, the added ballot can remove a link the winner's paths relied on. Schulze
    fails Woodall's mono-add-top; this pins the counterexample so nobody "fixes" the count."""
    options = ["A", "B", "C", "D"]
    rows = [[2, 3, 0, 0], [3, 4, 3, 3], [0, 1, 1, 1], [2, 2, 3, 0], [1, 0, 4, 4], [3, 0, 1, 2], [4, 0, 1, 2],
            [3, 1, 4, 1]]
    assert tally_ranked(options, rows).winner == "D"
    # D first, then C, A, B: d[C,A] rises to tie d[A,C] and the path D -> A -> C is gone.
    assert tally_ranked(options, rows + [[4, 0, 3, 1]]).winner == "C"
    assert tally_ranked(options, rows + [[0, 0, 0, 1]]).winner == "D"


# ----------------------------------------------------------------------------- properties

def naive_pairwise(ranks, weights):
    k = ranks.shape[1] if ranks.ndim == 2 else 0
    d = [[0] * k for _ in range(k)]
    for ballot, weight in zip(ranks.tolist(), weights):
        place = [r if r > 0 else float("inf") for r in ballot]
        for x, y in itertools.permutations(range(k), 2):
            if place[x] < place[y]:
                d[x][y] += weight
    return d


def naive_strongest_paths(d):
    """Schulze's own triple loop (Schulze 2011, section 2.3)."""
    k = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(k)] for i in range(k)]
    for i in range(k):
        for j in range(k):
            if i != j:
                for m in range(k):
                    if m not in (i, j):
                        p[j][m] = max(p[j][m], min(p[j][i], p[i][m]))
    return p


@st.composite
def profiles(draw, min_options=2, max_options=6, max_ballots=12):
    """(options, ranks (n, k) with 0 = unranked and equal ranks, weights)."""
    k = draw(st.integers(min_options, max_options))
    n = draw(st.integers(0, max_ballots))
    cells = draw(st.lists(st.integers(0, k), min_size=n * k, max_size=n * k))
    weights = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    options = [f"option {chr(65 + i)}" for i in range(k)]
    return options, np.array(cells, dtype=np.int64).reshape(n, k), np.array(weights, dtype=np.int64)


@PROPERTY
@given(profiles())
def test_property_a_condorcet_winner_is_the_unique_winner(profile):
    options, ranks, weights = profile
    d = pairwise_matrix(ranks, weights)
    k = len(options)
    condorcet = [x for x in range(k) if all(d[x, y] > d[y, x] for y in range(k) if y != x)]
    result = tally_ranked(options, ranks, weights=weights)
    if condorcet:
        assert (result.winners, result.winner, result.result) == ([options[condorcet[0]]], options[condorcet[0]],
                                                                  "winner")
    else:
        assert result.result in ("winner", "tie")  # the property says nothing here


@PROPERTY
@given(profiles(), st.data())
def test_property_a_ballot_for_the_unique_winner_never_makes_it_lose(profile, data):
    options, ranks, weights = profile
    default = data.draw(st.sampled_from([None] + options))
    before = tally_ranked(options, ranks, weights=weights, default=default)
    if before.result != "winner":
        return
    added = np.zeros((1, len(options)), dtype=np.int64)
    added[0, options.index(before.winner)] = 1  # the winner first, every other option unranked
    after = tally_ranked(options, np.vstack([ranks, added]), weights=np.append(weights, 1), default=default)
    assert (after.result, after.winner) == ("winner", before.winner)


@PROPERTY
@given(profiles(), st.data())
def test_property_the_default_wins_only_when_every_alternative_is_dropped(profile, data):
    """Every alternative left beats the default pairwise, so the default has no link out and is
    beaten: it is never one of several winners (the "default among the winners" rule is a guard)."""
    options, ranks, weights = profile
    default = data.draw(st.sampled_from(options))
    majority = data.draw(st.sampled_from(MAJORITIES))
    result = tally_ranked(options, ranks, weights=weights, default=default, majority=majority)
    everything_dropped = len(result.dropped) == len(options) - 1
    assert (result.result == "default") is everything_dropped
    assert (default in result.winners) is everything_dropped
    assert result.winner == (default if everything_dropped else result.winner)


@PROPERTY
@given(profiles(), st.randoms(use_true_random=False))
def test_property_permuting_options_changes_nothing_but_labels(profile, random):
    options, ranks, weights = profile
    default = random.choice([None] + options)
    majority = random.choice(MAJORITIES)
    before = tally_ranked(options, ranks, weights=weights, default=default, majority=majority)

    # Relabelled in place: everything is the same, names aside, ranking order included.
    labels = [f"renamed {i}" for i in range(len(options))]
    random.shuffle(labels)
    names = dict(zip(options, labels))
    renamed = tally_ranked([names[o] for o in options], ranks, weights=weights,
                           default=names.get(default), majority=majority)

    def relabel(value):
        if isinstance(value, dict):
            return {names.get(k, k): relabel(v) for k, v in value.items()}
        if isinstance(value, list):
            return [relabel(v) for v in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    expected = relabel(before.as_dict())
    expected["dropped"] = [{"option": names[d["option"]], "reason": d["reason"].replace(repr(default), repr(names[default]))}
                           for d in before.dropped]
    assert renamed.as_dict() == expected

    # Reordered: the same d, p, drops, winners and result; the ranking may differ only inside a
    # group of options that beat the same number of options.
    order = list(range(len(options)))
    random.shuffle(order)
    moved = tally_ranked([options[i] for i in order], ranks[:, order], weights=weights, default=default,
                         majority=majority)
    assert moved.pairwise == before.pairwise and moved.strongest_paths == before.strongest_paths
    assert sorted(map(str, moved.dropped)) == sorted(map(str, before.dropped))
    assert set(moved.winners) == set(before.winners)
    assert (moved.result, moved.winner, moved.ballots) == (before.result, before.winner, before.ballots)

    def groups(result):
        p = result.strongest_paths
        beaten = {x: sum(p[x][y] > p[y][x] for y in p[x]) for x in p}
        return [(beaten[x], x) for x in result.ranking], sorted((beaten[x], x) for x in result.ranking)

    listed, _ = groups(moved)
    assert [b for b, _ in listed] == sorted((b for b, _ in listed), reverse=True)
    assert groups(moved)[1] == groups(before)[1]


@PROPERTY
@given(profiles(min_options=1, max_options=7, max_ballots=20), st.booleans())
def test_property_vectorized_pairwise_equals_a_loop_over_ballots(profile, weighted):
    options, ranks, weights = profile
    if not weighted:
        weights_used, weights = None, [1] * len(ranks)
    else:
        weights_used = weights
    assert pairwise_matrix(ranks, weights_used).tolist() == naive_pairwise(ranks, list(weights))


@PROPERTY
@given(profiles(max_options=7, max_ballots=20))
def test_property_strongest_paths_equal_schulzes_triple_loop(profile):
    options, ranks, weights = profile
    d = pairwise_matrix(ranks, weights)
    assert strongest_paths(d).tolist() == naive_strongest_paths(d.tolist())


# ----------------------------------------------------------------------------- paper ballot files

B07_BLT = """5 1
5 1 3 2 5 4 0
5 1 4 5 3 2 0
8 2 5 4 1 3 0
3 3 1 2 5 4 0
7 3 1 5 2 4 0
2 3 2 1 4 5 0
7 4 3 5 2 1 0
8 5 2 1 4 3 0
0
"A"
"B"
"C"
"D"
"E"
"B07, the Schulze example"
"""


def b07_csv():
    lines = ["A,B,C,D,E"]
    for count, order in B07_GROUPS:
        ranks = ballots(B07_OPTIONS, (1, order))[0]
        lines.extend([",".join(map(str, ranks))] * count)
    return "\n".join(lines) + "\n"


def test_b07_as_blt_and_as_csv_gives_the_direct_result():
    direct = tally_ranked(B07_OPTIONS, ballots(B07_OPTIONS, *B07_GROUPS))
    options, ranks, weights, title = read_blt(B07_BLT)
    assert (options, title, weights.tolist()) == (B07_OPTIONS, "B07, the Schulze example", [5, 5, 8, 3, 7, 2, 7, 8])
    assert tally_ranked(options, ranks, weights=weights) == direct
    options, ranks, weights = read_ballot_csv(b07_csv())
    assert (options, len(ranks), set(weights.tolist())) == (B07_OPTIONS, 45, {1})
    assert tally_ranked(options, ranks, weights=weights) == direct
    options, ranks, weights = read_ballot_file(B07_BLT, "b07.txt")  # BLT recognized by its content
    assert tally_ranked(options, ranks, weights=weights) == direct


def test_csv_blank_cells_weights_quotes_and_separators():
    text = '\ufeff"Plank 3, as amended",B,weight,keep the current text\n1,,2,2\n\n 2 , 1 , 1 , \n,,1,\n'
    options, ranks, weights = read_ballot_csv(text)
    assert options == ["Plank 3, as amended", "B", "keep the current text"]
    assert ranks.tolist() == [[1, 0, 2], [2, 1, 0], [0, 0, 0]]
    assert weights.tolist() == [2, 1, 1]
    options, ranks, weights = read_ballot_csv("A;B;C\n1;2;\n1;1;2\n")
    assert (options, ranks.tolist(), weights.tolist()) == (["A", "B", "C"], [[1, 2, 0], [1, 1, 2]], [1, 1])
    options, ranks, _ = read_ballot_csv("A\tB\n2\t1\n")
    assert (options, ranks.tolist()) == (["A", "B"], [[2, 1]])


@pytest.mark.parametrize("text, line, field, message", [
    ("", 1, None, "the file is empty"),
    ("\n\n", 1, None, "the file is empty"),
    ("A,,C\n1,2,3\n", 1, "column 2", "an option name is blank"),
    ("A,B,A\n1,2,3\n", 1, "A", "named twice"),
    ("A,weight,Weight\n1,1,1\n", 1, "weight", "more than one weight column"),
    ("A\n1\n", 1, None, "at least two options"),
    ("A,weight\n1,1\n", 1, None, "at least two options"),
    ("A,B,C\n", 2, None, "there are no ballots"),
    ("A,B,C\n1,2,3\n1,2\n", 3, "C", "the row has 2 cells, the header 3"),
    ("A,B,C\n1,2,3,4\n", 2, "column 4", "the row has 4 cells, the header 3"),
    ("A,B,C\n1,2,3\n\n1,x,3\n", 4, "B", "rank 'x' is not a whole number"),
    ("A,B,C\n1,2.0,3\n", 2, "B", "rank '2.0' is not a whole number"),
    ("A,B,C\n1,-2,3\n", 2, "B", "rank '-2' is not a whole number"),
    ("A,B,C\n1,²,3\n", 2, "B", "rank '²' is not a whole number"),
    ("A,B,C\n1,0,3\n", 2, "B", "rank 0 is not 1 or more"),
    ("A,B,C\n1,4,3\n", 2, "B", "rank 4 is more than the number of options (3)"),
    ("A,B,weight\n1,2,\n", 2, "weight", "the weight is blank"),
    ("A,B,weight\n1,2,0\n", 2, "weight", "weight '0' is not a whole number of 1 or more"),
    ("A,B,weight\n1,2,two\n", 2, "weight", "weight 'two' is not a whole number of 1 or more"),
    ('"A\nstill A",B\n1,2\n"x\ny",1\n', 4, "A\nstill A", "rank 'x\\ny' is not a whole number"),
])
def test_csv_errors_name_file_line_and_field(text, line, field, message):
    with pytest.raises(BallotFileError) as caught:
        read_ballot_csv(text, "tellers.csv")
    error = caught.value
    assert (error.file, error.line, error.field) == ("tellers.csv", line, field)
    assert message in error.message
    where = f"tellers.csv, line {line}" + (f", field {field!r}" if field else "")
    assert str(error) == f"{where}: {error.message}"


def test_blt_withdrawn_options_equal_preferences_and_missing_title():
    text = '4 1\n-2\n2 1=3 4 0\n1 3 0\n 1 0\n0\n"A" \n"B"\n"C"\n"D"\n'
    options, ranks, weights, title = read_blt(text)
    assert options == ["A", "C", "D"]
    assert ranks.tolist() == [[1, 1, 2], [0, 1, 0], [0, 0, 0]]
    assert (weights.tolist(), title) == ([2, 1, 1], "")


@pytest.mark.parametrize("text, line, field, message", [
    ("", 1, None, "the file is empty"),
    ("3\n", 1, "options", '"options seats"'),
    ("x 1\n", 1, "options", "'x' is not a whole number of 2 or more"),
    ("1 1\n", 1, "options", "'1' is not a whole number of 2 or more"),
    ("3 0\n", 1, "seats", "'0' is not a whole number of 1 or more"),
    ("3 2\n1 1 0\n0\n", 1, "seats", "asks for 2 seats"),
    ("3 1\n-4\n1 1 0\n0\n", 2, "withdrawn", "withdrawn option '-4' is not -1 to -3"),
    ("3 1\n1 1 0\nx 1 0\n0\n", 3, "weight", "'x' is not a whole number of 1 or more"),
    ("3 1\n0 1 0\n0\n", 2, "weight", "'0' is not a whole number of 1 or more"),
    ("3 1\n1 1 2\n0\n", 2, "preference 3", "must end with 0"),
    ("3 1\n1 1 b 0\n0\n", 2, "preference 2", "'b' is not an option number"),
    ("3 1\n1 1 4 0\n0\n", 2, "preference 2", "option 4 is not 1 to 3"),
    ("3 1\n1 1 2=1 0\n0\n", 2, "preference 2", "option 1 is ranked twice"),
    ("3 1\n1 1 0\n", 3, None, 'must end with a line "0"'),
    ("3 1\n0\n", 2, None, "there are no ballots"),
    ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "name 3", "names 2 options; its first line says 3"),
    ('3 1\n1 1 0\n0\n"A"\nB\n"C"\n', 5, "name 2", "expected a name in double quotes"),
    ('3 1\n1 1 0\n0\n"A"\n"B"\n"A"\n', 6, "name 3", "option 'A' is named twice"),
    ('3 1\n1 1 0\n0\n"A"\n""\n"C"\n', 5, "name 2", "an option name is blank"),
    ('3 1\n1 1 0\n0\n"A"\n"B"\n"C"\n"T"\n"more"\n', 8, "title", "more after the title"),
    ('3 1\n-1 -2\n1 3 0\n0\n"A"\n"B"\n"C"\n', 2, "withdrawn", "fewer than two options"),
])
def test_blt_errors_name_file_line_and_field(text, line, field, message):
    with pytest.raises(BallotFileError) as caught:
        read_blt(text, "count.blt")
    error = caught.value
    assert (error.file, error.line, error.field) == ("count.blt", line, field)
    assert message in error.message
    assert str(error).startswith(f"count.blt, line {line}" + (f", field {field!r}" if field else "") + ": ")


def test_read_ballot_file_guesses_the_format_and_decodes_bytes():
    assert guess_ballot_format("A,B\n1,2\n", "x.BLT") == "blt"
    assert guess_ballot_format(B07_BLT, "upload") == "blt"
    assert guess_ballot_format("A,B\n1,2\n", "upload") == "csv"
    assert read_ballot_file(b"\xef\xbb\xbfA,B\n1,2\n", "paper.csv")[0] == ["A", "B"]
    options, ranks, weights = read_ballot_file("A,B\n2,1\n", "paper.txt", fmt="csv")
    assert (options, ranks.tolist(), weights.tolist()) == (["A", "B"], [[2, 1]], [1])
    with pytest.raises(BallotFileError) as caught:
        read_ballot_file("A,B\n1,2\n", "paper.csv", fmt="blt")
    assert str(caught.value).startswith("paper.csv, line 1, field 'options': ")
    with pytest.raises(BallotFileError) as caught:
        read_ballot_file(b"A,B\n1,2\n\xff,1\n", "paper.csv")
    assert (caught.value.line, str(caught.value)) == (3, "paper.csv, line 3: the file is not UTF-8 text (save it as UTF-8)")
    with pytest.raises(ValueError, match="csv, blt"):
        read_ballot_file("A,B\n1,2\n", "paper.csv", fmt="xlsx")
