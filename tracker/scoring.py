"""The vote-score formula of METHOD.md §6.2-6.3. Pure: DataFrames in, DataFrames out.

No Flask, no database: the service in ``tracker/services/scores.py`` loads the inputs and stores
the results. Everything here is vectorized: positions are small integer codes, every step over
the votes is a numpy array operation and every sum over them one ``np.bincount``.

In words: for each person and each scored roll call on which they held a seat, the vote
*agrees* (position = the position that keeps the plank), *disagrees* (the opposite), is *missed*
(an absence-like position the organization counts against) or is *excluded* (every other
position, and any absence the committee excused). Then

    score = 100 x (sum of weights of agreeing votes + h x sum of weights of missed votes)
                 / (sum of weights of agreeing, disagreeing and missed votes)

with h = 0, or 0.5 under the ``half_credit`` policy. With fewer than ``min_counted_votes``
counted roll calls there is no score ("insufficient data"). Longer windows pool all their
votes: a lifetime score is never an average of yearly scores.

Choices this module makes where the method leaves room (each is documented where it is made):
- A person seated on the body (in a term on the roll call's date) with no row on the roll is
  treated as ``absent``. A person with no term recorded at all is judged only on the roll calls
  they appear on.
- A roll call tagged with several planks counts once in the overall score, with the largest of
  its weights; if its planks disagree on the pro position it is excluded from the overall score
  (it still counts in each plank's score).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from imports.vote_options import MISSED, POSITIONS
from tracker.vocabulary import ABSENCE_POLICIES, OVERALL_MODES

METHOD_VERSION = "v2026.1"
# Positions an organization may count against a person (METHOD §6.2 table).
COUNTABLE_AGAINST = ("not_voting", "absent", "present", "abstain", "excused", "recused", "paired")
DEFAULT_COUNTED_AGAINST = frozenset({"not_voting", "absent", "present", "abstain"})
WINDOW_KINDS = ("lifetime", "year", "term")
# Questions decided by a simple majority of those voting; other thresholds are crucial by hand only.
SIMPLE_MAJORITY = {None, "", "1/2", "simple", "majority", "simple majority"}
OVERALL = 0  # plank_id used internally for the overall scope
assert POSITIONS[:2] == ("yes", "no")  # classification below relies on yes=0, no=1 codes

SCORE_COLUMNS = ["person_id", "scope", "plank_id", "window", "crucial_only", "agreeing", "disagreeing",
                 "missed", "excluded", "counted", "eligible", "numerator", "denominator", "score_exact",
                 "score_display", "status", "missed_vote_rate"]
DETAIL_COLUMNS = ["person_id", "scope", "plank_id", "roll_call_id", "voted_on", "year", "term_id", "crucial",
                  "outcome", "reason", "weight", "points", "pro_position", "position", "raw_label", "plank_ids"]
TALLY_COLUMNS = ["person_id", "scope", "plank_id", "window", "crucial_only", "agreeing", "disagreeing", "missed",
                 "excluded", "counted", "eligible", "numerator", "denominator", "score_exact", "score_display",
                 "status", "missed_vote_rate", "averaged"]
NONE = -1  # a tally figure that is None in the published scores


@dataclass(frozen=True)
class ScoringOptions:
    """The options of METHOD §6.2 an organization can switch; the defaults are a new organization's."""

    absence_policy: str = "exclude"
    counted_against: frozenset = DEFAULT_COUNTED_AGAINST
    min_counted_votes: int = 4
    overall_mode: str = "pooled"
    crucial_swing_max: int = 2
    lifetime_excludes_insufficient_sessions: bool = False
    windows: tuple = WINDOW_KINDS

    def __post_init__(self):
        if self.absence_policy not in ABSENCE_POLICIES:
            raise ValueError(f"absence_policy must be one of {', '.join(ABSENCE_POLICIES)}, not {self.absence_policy!r}")
        against = frozenset(self.counted_against)
        unknown = sorted(against - set(COUNTABLE_AGAINST))
        if unknown:
            raise ValueError(f"counted_against may only hold {', '.join(COUNTABLE_AGAINST)}; not {', '.join(unknown)}")
        object.__setattr__(self, "counted_against", against)
        for name in ("min_counted_votes", "crucial_swing_max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
        if self.overall_mode not in OVERALL_MODES:
            raise ValueError(f"overall_mode must be one of {', '.join(OVERALL_MODES)}, not {self.overall_mode!r}")
        if not isinstance(self.lifetime_excludes_insufficient_sessions, bool):
            raise ValueError("lifetime_excludes_insufficient_sessions must be true or false")
        windows = tuple(self.windows)
        if "lifetime" not in windows or set(windows) - set(WINDOW_KINDS):
            raise ValueError(f"windows must include lifetime and only use {', '.join(WINDOW_KINDS)}")
        object.__setattr__(self, "windows", windows)

    @classmethod
    def from_dict(cls, data: dict | None) -> "ScoringOptions":
        """Options from their stored JSON form (Organization.scoring_options); missing keys take defaults.

        Raises ValueError naming the bad option.
        """
        data = dict(data or {})
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(f"unknown scoring option(s): {', '.join(unknown)}")
        if "counted_against" in data:
            value = data["counted_against"]
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            data["counted_against"] = frozenset(value)
        if "windows" in data:
            data["windows"] = tuple(data["windows"])
        return cls(**data)

    def to_dict(self) -> dict:
        """The JSON form stored on the organization (lists sorted, so equal options store equally)."""
        return {"absence_policy": self.absence_policy, "counted_against": sorted(self.counted_against),
                "min_counted_votes": self.min_counted_votes, "overall_mode": self.overall_mode,
                "crucial_swing_max": self.crucial_swing_max,
                "lifetime_excludes_insufficient_sessions": self.lifetime_excludes_insufficient_sessions,
                "windows": list(self.windows)}

    def rule_set_name(self) -> str:
        """A short stable name of the options in force, printed beside every score.

        e.g. ``absence=exclude;against=absent,abstain,not_voting,present;min=4;overall=pooled;v2026.1``;
        the crucial swing and the lifetime rule are named only when they differ from the defaults.
        """
        parts = [f"absence={self.absence_policy}", f"against={','.join(sorted(self.counted_against))}",
                 f"min={self.min_counted_votes}", f"overall={self.overall_mode}"]
        if self.crucial_swing_max != 2:
            parts.append(f"swing={self.crucial_swing_max}")
        if self.lifetime_excludes_insufficient_sessions:
            parts.append("lifetime=sufficient_years_only")
        return ";".join(parts + [METHOD_VERSION])

    def describe(self) -> list[str]:
        """The rule set in plain words, for the "how this was worked out" box."""
        policy = {"exclude": "Absences are left out of the score.",
                  "count_against": "These positions count as votes against the program: ",
                  "half_credit": "These positions earn half the vote's weight: "}[self.absence_policy]
        if self.absence_policy != "exclude":
            policy += ", ".join(p.replace("_", " ") for p in sorted(self.counted_against)) + "."
        return [policy,
                "An absence excused by the committee never counts against anyone.",
                f"A score needs at least {self.min_counted_votes} counted roll calls.",
                "Overall score: all scored votes pooled (each roll call once)." if self.overall_mode == "pooled"
                else "Overall score: the average of the plank scores that have enough votes.",
                f"A vote is crucial when {self.crucial_swing_max} or fewer members switching sides would flip it."]


def swing(yes, no):
    """Fewest members who must switch for a simple-majority result to flip: floor(|y-n|/2)+1.

    Ties fail, so a 4-4 tie flips with one switch. Works on numbers and on arrays/Series.
    """
    return np.abs(np.asarray(yes) - np.asarray(no)) // 2 + 1 if not np.isscalar(yes) else abs(yes - no) // 2 + 1


def crucial(yes: int, no: int, swing_max: int = 2) -> bool:
    """True when the vote was close: ``swing(yes, no) <= swing_max`` (METHOD §6.3)."""
    return bool(swing(yes, no) <= swing_max)


def crucial_flags(alignments: pd.DataFrame, swing_max: int) -> pd.Series:
    """Per alignment row: its manual ``crucial`` flag when set, else computed from the margin.

    Only simple-majority questions with both counts known are computed; others are not crucial
    unless marked by hand.
    """
    manual = alignments["crucial"] if "crucial" in alignments else pd.Series(None, index=alignments.index, dtype=object)
    yes = pd.to_numeric(alignments.get("yes_count"), errors="coerce") if "yes_count" in alignments else None
    no = pd.to_numeric(alignments.get("no_count"), errors="coerce") if "no_count" in alignments else None
    if yes is None or no is None:
        computed = pd.Series(False, index=alignments.index)
    else:
        majority = alignments["required_majority"] if "required_majority" in alignments else pd.Series(None, index=alignments.index)
        simple = majority.map(lambda v: (None if pd.isna(v) else str(v).strip().lower()) in SIMPLE_MAJORITY)
        known = yes.notna() & no.notna()
        margin = (yes.fillna(0) - no.fillna(0)).abs() // 2 + 1
        computed = simple & known & (margin <= swing_max)
    return manual.where(manual.notna(), computed).astype(bool)


def band_for(score, bands: list | None) -> str | None:
    """The organization's word for a score: the label of the highest band whose ``min`` it reaches.

    ``bands`` is like ``[{"min": 90, "label": "keeps the program"}, {"min": 0, "label": "breaks it"}]``;
    no score (insufficient data) or no matching band gives None.
    """
    if score is None or not bands or (isinstance(score, float) and np.isnan(score)):
        return None
    value = Decimal(str(score))
    for band in sorted(bands, key=lambda b: Decimal(str(b["min"])), reverse=True):
        if value >= Decimal(str(band["min"])):
            return band["label"]
    return None


def parse_bands(text: str) -> list[dict]:
    """Parse ``"90:keeps the program,70:mostly,0:breaks it"`` into band dicts (ValueError if malformed)."""
    bands = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        low, sep, label = part.partition(":")
        if not sep or not label.strip():
            raise ValueError(f"band {part!r} must look like MIN:LABEL")
        try:
            minimum = float(low)
        except ValueError:
            raise ValueError(f"band {part!r}: {low!r} is not a number") from None
        if not 0 <= minimum <= 100:
            raise ValueError(f"band {part!r}: the minimum must be between 0 and 100")
        bands.append({"min": int(minimum) if minimum.is_integer() else minimum, "label": label.strip()})
    return sorted(bands, key=lambda b: -b["min"])


# ---------------------------------------------------------------------------------------------
# The formula
# ---------------------------------------------------------------------------------------------

def score(positions: pd.DataFrame, alignments: pd.DataFrame, eligibility: pd.DataFrame | None = None,
          excusals: pd.DataFrame | None = None, options: ScoringOptions | None = None, *,
          with_details: bool = True) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Score every person against the approved alignments; returns ``(scores, details)``.

    Inputs (extra columns are ignored):
    - ``positions``: ``roll_call_id, person_id, position, raw_label`` (canonical positions; the
      raw label is only read for the details, and ``position`` may be a categorical of
      ``POSITIONS``).
    - ``alignments`` (approved only): ``roll_call_id, plank_id, pro_position, weight, voted_on``
      and, when known, ``crucial`` (manual flag or None), ``yes_count``, ``no_count``,
      ``required_majority``, ``body_id``.
    - ``eligibility``: the terms (``person_id, start_on, end_on`` and optionally ``body_id``,
      ``term_id``) or already resolved ``roll_call_id, person_id, eligible``. None: everyone on a
      roll is eligible for it and nobody else.
    - ``excusals``: ``roll_call_id, person_id`` of absences the committee excused.

    ``scores`` has one row per person x scope (``overall`` / ``plank:<id>``) x window
    (``lifetime`` / ``year:<yyyy>`` / ``term:<id>``) x ``crucial_only``, with the columns of
    ``SCORE_COLUMNS``. ``details`` has one row per person x scope x eligible scored roll call
    (the "how this was worked out" rows), columns ``DETAIL_COLUMNS``; None when
    ``with_details=False``.
    """
    options = options or ScoringOptions()
    rows = _scored_rows(positions, alignments, eligibility, excusals, options)
    if rows is None:
        return _empty_scores(), (pd.DataFrame(columns=DETAIL_COLUMNS) if with_details else None)
    scores = _with_decimals(_tallies(rows, options))
    return scores, (_details(rows, positions, options) if with_details else None)


def tally(positions: pd.DataFrame, alignments: pd.DataFrame, eligibility: pd.DataFrame | None = None,
          excusals: pd.DataFrame | None = None, options: ScoringOptions | None = None) -> pd.DataFrame:
    """The scores of ``score`` (same rows, same order) in whole numbers, for storing many at once.

    Columns ``TALLY_COLUMNS``: the counts as in ``score``; ``numerator``, ``denominator``,
    ``score_exact`` and ``missed_vote_rate`` in hundredths and ``score_display``, each -1 where
    ``score`` has None; ``averaged`` marks an overall score that is the average of plank scores.
    ``scope`` and ``window`` are categoricals. A full recompute stores these without making a
    Decimal per value.
    """
    options = options or ScoringOptions()
    rows = _scored_rows(positions, alignments, eligibility, excusals, options)
    return _tallies(rows, options) if rows is not None else pd.DataFrame(columns=TALLY_COLUMNS)


@dataclass(frozen=True)
class _RollCalls:
    """The scored roll calls (ascending ids) and the alignment rows that score them, as arrays."""

    ids: np.ndarray
    voted_on: np.ndarray
    year: np.ndarray  # float: NaN when the date is unknown
    weight: np.ndarray  # overall weight: the largest of its planks' weights
    pro: np.ndarray  # overall pro position: 0 yes, 1 no, -1 anything else
    conflict: np.ndarray  # its planks disagree on the pro position
    crucial: np.ndarray
    body: np.ndarray | None
    # One entry per alignment row, in the order given:
    aligned: np.ndarray  # index of its roll call
    aligned_plank: np.ndarray
    aligned_pro: np.ndarray
    aligned_weight: np.ndarray


@dataclass(frozen=True)
class _Rows:
    """Every eligible (person, scored roll call) once for the overall scope (plank 0) and once per
    plank it is aligned to: parallel arrays. ``vote`` indexes the per-vote arrays ``v_*``."""

    roll_calls: _RollCalls
    v_roll_call: np.ndarray  # index into roll_calls
    v_person: np.ndarray
    v_term: np.ndarray  # float: NaN without a term
    v_position: np.ndarray  # code in POSITIONS (a seated person not on the roll: absent)
    v_not_on_roll: np.ndarray
    v_recorded: np.ndarray  # its row in the positions (-1: not on the roll)
    v_excused: np.ndarray
    vote: np.ndarray
    plank: np.ndarray
    pro: np.ndarray
    weight: np.ndarray
    conflict: np.ndarray
    outcome: np.ndarray  # code in OUTCOMES


def _scored_rows(positions, alignments, eligibility, excusals, options: ScoringOptions) -> _Rows | None:
    """The classified rows, or None when nothing is scored (no alignments or nobody eligible)."""
    roll_calls = _roll_call_table(alignments, options)
    if roll_calls is None:
        return None
    votes = _eligible_votes(roll_calls, positions, eligibility, excusals)
    if not len(votes["roll_call"]):
        return None
    return _classified_rows(roll_calls, votes, options)


def _codes_of(values, categories) -> np.ndarray:
    """Index of each value in ``categories`` (-1 for anything else, missing included)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and tuple(values.cat.categories) == tuple(categories):
        return values.cat.codes.to_numpy()
    return pd.Categorical(values.astype(object), categories=categories).codes


def _first_present(values: np.ndarray, present: np.ndarray, group: np.ndarray, groups: int, fill) -> np.ndarray:
    """Per group, the first present value (as pandas' GroupBy.first); ``group`` is sorted."""
    at = np.flatnonzero(present)
    firsts = at[np.r_[True, group[at][1:] != group[at][:-1]]] if len(at) else at
    result = np.full(groups, fill, dtype=values.dtype if fill is not None else object)
    result[group[firsts]] = values[firsts]
    return result


def _roll_call_table(alignments: pd.DataFrame, options: ScoringOptions) -> _RollCalls | None:
    """One entry per scored roll call: its date, crucial flag, overall weight and pro position.

    Where a roll call's alignment rows differ, the date, pro position and body come from its
    lowest plank id (the first one known).
    """
    if alignments is None or alignments.empty:
        return None
    ids, aligned = np.unique(alignments["roll_call_id"].to_numpy(dtype="int64"), return_inverse=True)
    count = len(ids)
    plank = alignments["plank_id"].to_numpy(dtype="int64")
    weight = alignments["weight"].fillna(1).to_numpy(dtype="int64")
    voted_on = pd.to_datetime(alignments["voted_on"])
    crucial = crucial_flags(alignments, options.crucial_swing_max).to_numpy(dtype=bool)
    pro_kind, pro_kinds = pd.factorize(alignments["pro_position"])  # -1: missing
    order = np.lexsort((plank, aligned))
    group = aligned[order]
    first_kind = _first_present(pro_kind[order], pro_kind[order] >= 0, group, count, -1)
    pro_of_kind = _codes_of(pd.Series(pro_kinds, dtype=object), ["yes", "no"])
    # Planks that disagree on which side keeps them: the roll call cannot count once overall.
    kinds = max(len(pro_kinds), 1)
    distinct = np.unique(aligned[pro_kind >= 0] * kinds + pro_kind[pro_kind >= 0])
    conflict = np.bincount(distinct // kinds, minlength=count) > 1
    dates = voted_on.to_numpy()
    voted = _first_present(dates[order], ~np.isnat(dates[order]), group, count, np.datetime64("NaT"))
    weights = np.zeros(count, dtype="int64")
    np.maximum.at(weights, aligned, weight)
    body = None
    if "body_id" in alignments:
        bodies = alignments["body_id"].to_numpy(dtype=object)
        body = _first_present(bodies[order], alignments["body_id"].notna().to_numpy()[order], group, count, None)
    return _RollCalls(ids=ids, voted_on=voted, year=pd.DatetimeIndex(voted).year.to_numpy(dtype="float64"),
                      weight=weights, pro=np.where(first_kind >= 0, pro_of_kind[first_kind], -1).astype("int8"),
                      conflict=conflict, crucial=np.bincount(aligned, weights=crucial, minlength=count) > 0,
                      body=body, aligned=aligned, aligned_plank=plank, aligned_weight=weight,
                      aligned_pro=_codes_of(alignments["pro_position"], ["yes", "no"]))


def _eligible_votes(roll_calls: _RollCalls, positions: pd.DataFrame, eligibility: pd.DataFrame | None,
                    excusals: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Every eligible (roll call, person) once, by roll call then person, with what the roll says.

    ``position`` is the code in POSITIONS of the person's first row on that roll call, or -1
    when they have none (or its position is not a known one); ``recorded`` is that row's index
    in ``positions`` (-1 for none).
    """
    named = positions["person_id"].notna().to_numpy()
    roll_call = _roll_call_index(roll_calls, positions["roll_call_id"].to_numpy()[named])
    recorded_rows = np.flatnonzero(named)[roll_call >= 0]
    recorded_roll_call = roll_call[roll_call >= 0]
    recorded_person = positions["person_id"].to_numpy()[recorded_rows].astype("int64")
    listed_person = np.empty(0, dtype="int64")  # people the eligibility names
    if eligibility is not None and "roll_call_id" in eligibility:
        resolved = eligibility[eligibility["eligible"].astype(bool)]
        resolved_roll_call = _roll_call_index(roll_calls, resolved["roll_call_id"].to_numpy())
        listed_person = resolved["person_id"].to_numpy(dtype="int64")[resolved_roll_call >= 0]
        resolved_roll_call = resolved_roll_call[resolved_roll_call >= 0]
    elif eligibility is not None:
        listed_person = eligibility["person_id"].to_numpy(dtype="int64")
    excused_roll_call = excused_person = np.empty(0, dtype="int64")
    if excusals is not None and not excusals.empty:
        excused_roll_call = _roll_call_index(roll_calls, excusals["roll_call_id"].to_numpy(dtype="int64"))
        excused_person = excusals["person_id"].to_numpy(dtype="int64")[excused_roll_call >= 0]
        excused_roll_call = excused_roll_call[excused_roll_call >= 0]
    # People as codes 0..n-1, and (roll call, person) as one integer: roll call index x n + code.
    code, people = pd.factorize(np.concatenate([recorded_person, listed_person, excused_person]))
    recorded_code = code[:len(recorded_person)]
    listed_code = code[len(recorded_person):len(recorded_person) + len(listed_person)]
    excused_code = code[len(recorded_person) + len(listed_person):]
    width = max(len(people), 1)

    term_ids = np.empty(0)
    if eligibility is None:
        pair_roll_call, pair_code, pair_term = recorded_roll_call, recorded_code, np.full(len(recorded_code), -1)
    elif "roll_call_id" in eligibility:
        pair_roll_call, pair_code, pair_term = resolved_roll_call, listed_code, np.full(len(listed_code), -1)
    else:
        seated_roll_call, seated_term = _seated(roll_calls, eligibility)
        # Someone with no recorded term is judged on the roll calls they appear on.
        has_term = np.zeros(width, dtype=bool)
        has_term[listed_code] = True
        unseated = ~has_term[recorded_code]
        pair_roll_call = np.concatenate([seated_roll_call, recorded_roll_call[unseated]])
        pair_code = np.concatenate([listed_code[seated_term], recorded_code[unseated]])
        pair_term = np.concatenate([seated_term, np.full(int(unseated.sum()), -1)])
        if "term_id" in eligibility:
            term_ids = eligibility["term_id"].to_numpy(dtype="float64")
    # Each pair once, with its earliest term (pairs come term by term within a body, and a roll
    # call matches the terms of one body only).
    key, first_pair = _first_of_each(pair_roll_call * width + pair_code)
    term_row = pair_term[first_pair]
    term = np.full(len(key), np.nan)
    if len(term_ids):
        term[term_row >= 0] = term_ids[term_row[term_row >= 0]]
    # The person's first row on the roll call.
    recorded_key, first_row = _first_of_each(recorded_roll_call * width + recorded_code)
    found = pd.Index(recorded_key).get_indexer(key)
    recorded = np.full(len(key), -1)
    recorded[found >= 0] = recorded_rows[first_row[found[found >= 0]]]
    position = np.full(len(key), -1, dtype="int8")
    position[recorded >= 0] = _codes_of(positions["position"], POSITIONS)[recorded[recorded >= 0]]
    return {"roll_call": key // width, "person": people[key % width], "term": term, "position": position,
            "recorded": recorded, "excused": np.isin(key, excused_roll_call * width + excused_code)}


def _roll_call_index(roll_calls: _RollCalls, ids: np.ndarray) -> np.ndarray:
    """Index of each roll call id among the scored ones (-1: not scored)."""
    return pd.Index(roll_calls.ids).get_indexer(np.asarray(ids, dtype="int64"))


def _first_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-negative ``keys``, ascending, and where each first occurs.

    One plain sort of key x n + position: np.unique(return_index=True) sorts stably, ten times
    slower on half a million keys.
    """
    count = len(keys)
    if not count or int(keys.max()) >= np.iinfo(np.int64).max // count:  # (the product would overflow)
        return np.unique(keys, return_index=True)
    ordered_keys, at = np.divmod(np.sort(keys * count + np.arange(count)), count)
    first = np.r_[True, ordered_keys[1:] != ordered_keys[:-1]]
    return ordered_keys[first], at[first]


def _seated(roll_calls: _RollCalls, terms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(roll call index, term row) for every scored roll call dated within a term, on the term's
    body when both the roll calls and the terms name bodies. Term by term within each body."""
    dates = roll_calls.voted_on
    start = pd.to_datetime(terms["start_on"]).to_numpy()
    end = pd.to_datetime(terms["end_on"]).to_numpy()
    unit = np.promote_types(np.promote_types(dates.dtype, start.dtype), end.dtype)
    dates, start, end = dates.astype(unit), start.astype(unit), end.astype(unit)
    if "body_id" in terms and roll_calls.body is not None:
        # Missing bodies match each other, as in a pandas merge.
        body, _ = pd.factorize(np.concatenate([roll_calls.body, terms["body_id"].to_numpy(dtype=object)]),
                               use_na_sentinel=False)
        roll_call_body, term_body = body[:len(dates)], body[len(dates):]
    else:
        roll_call_body, term_body = np.zeros(len(dates), dtype="int64"), np.zeros(len(terms), dtype="int64")
    found_roll_calls, found_terms = [], []
    for code in np.unique(term_body):
        on_body = np.flatnonzero((roll_call_body == code) & ~np.isnat(dates))
        on_body = on_body[np.argsort(dates[on_body], kind="stable")]
        in_body = np.flatnonzero((term_body == code) & ~np.isnat(start))
        low = np.searchsorted(dates[on_body], start[in_body], side="left")
        high = np.where(np.isnat(end[in_body]), len(on_body),
                        np.searchsorted(dates[on_body], end[in_body], side="right"))
        count = np.maximum(high - low, 0)
        offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + np.repeat(low, count)
        found_roll_calls.append(on_body[offsets])
        found_terms.append(np.repeat(in_body, count))
    if not found_terms:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    return np.concatenate(found_roll_calls), np.concatenate(found_terms)


OUTCOMES = ["agree", "disagree", "missed", "excluded"]
_AGREE, _DISAGREE, _MISSED, _EXCLUDED = range(4)
_ABSENT, _NOT_ELIGIBLE = POSITIONS.index("absent"), POSITIONS.index("not_eligible")
_MISSED_VOTE_CODES = [POSITIONS.index(p) for p in MISSED]
_POSITION_REASONS = {
    "yes": "yes", "no": "no", "present": "present: declined to take a side", "abstain": "abstained",
    "recused": "recused", "paired": "paired (live pair)", "not_voting": "did not vote", "absent": "absent",
    "excused": "excused (as recorded)", "not_eligible": "not seated",
    "unknown": "unrecognised label: sent for data review, never guessed",
}
_NOT_ON_ROLL = "seated but not on the roll (treated as absent)"
_FIXED_REASONS = ["its planks disagree on the pro position: left out of the overall score",
                  "voted the pro position", "voted against the pro position",
                  "absence excused by the committee: never counts against"]


def _reason_table(options: ScoringOptions) -> list[str]:
    """Every reason text, indexed by reason code (fixed reasons, then missed/excluded per position)."""
    described = [_POSITION_REASONS[p] for p in POSITIONS] + [_NOT_ON_ROLL]
    missed = ": half credit under this rule set" if options.absence_policy == "half_credit" \
        else ": counts against under this rule set"
    return _FIXED_REASONS + [d + missed for d in described] + [d + ": left out under this rule set" for d in described]


def _classified_rows(roll_calls: _RollCalls, votes: dict, options: ScoringOptions) -> _Rows | None:
    """Each eligible vote once for overall and once per plank of its roll call, with its outcome.

    Positions are small integer codes (index in POSITIONS) and every step is an array
    operation, so a million rows classify in a fraction of a second.
    """
    # Seated but not on the roll: treated as absent (see the module docstring).
    not_on_roll = votes["position"] < 0
    position = np.where(not_on_roll, _ABSENT, votes["position"]).astype("int8")
    # A position row can itself say the person was not seated; it never counts.
    kept = position != _NOT_ELIGIBLE
    if not kept.any():
        return None
    if not kept.all():
        votes = {name: values[kept] for name, values in votes.items()}
        position, not_on_roll = position[kept], not_on_roll[kept]
    voted = votes["roll_call"]  # ascending
    count = len(voted)
    # Plank rows: every alignment row with the votes on its roll call.
    per_roll_call = np.bincount(voted, minlength=len(roll_calls.ids))
    first_vote = np.cumsum(per_roll_call) - per_roll_call
    per_alignment = per_roll_call[roll_calls.aligned]
    alignment = np.repeat(np.arange(len(roll_calls.aligned)), per_alignment)
    plank_vote = (np.arange(len(alignment)) - np.repeat(np.cumsum(per_alignment) - per_alignment, per_alignment)
                  + np.repeat(first_vote[roll_calls.aligned], per_alignment))
    vote = np.concatenate([np.arange(count), plank_vote])
    plank = np.concatenate([np.full(count, OVERALL, dtype="int64"), roll_calls.aligned_plank[alignment]])
    pro = np.concatenate([roll_calls.pro[voted], roll_calls.aligned_pro[alignment]])
    weight = np.concatenate([roll_calls.weight[voted], roll_calls.aligned_weight[alignment]])
    conflict = np.concatenate([roll_calls.conflict[voted], np.zeros(len(alignment), dtype=bool)])

    cast = position[vote]
    valid = (pro >= 0) & ~conflict  # a pro position other than yes/no never matches anything
    agree = (cast == pro) & valid
    disagree = (cast == 1 - pro) & valid
    excused = votes["excused"][vote] & ~agree & ~disagree & ~conflict
    if options.absence_policy != "exclude":
        counted_against = np.isin(cast, [POSITIONS.index(p) for p in options.counted_against])
        missed = counted_against & ~agree & ~disagree & ~excused & ~conflict
    else:
        missed = np.zeros(len(vote), dtype=bool)
    outcome = np.full(len(vote), _EXCLUDED, dtype="int8")
    outcome[agree], outcome[disagree], outcome[missed] = _AGREE, _DISAGREE, _MISSED
    return _Rows(roll_calls=roll_calls, v_roll_call=voted, v_person=votes["person"], v_term=votes["term"],
                 v_position=position, v_not_on_roll=not_on_roll, v_recorded=votes["recorded"],
                 v_excused=votes["excused"], vote=vote, plank=plank, pro=pro, weight=weight, conflict=conflict,
                 outcome=outcome)


# Summed per score, the columns of one integer matrix: the outcome counts, points (doubled: half
# credit stays an integer), weights counted, missed votes (attendance) and eligible roll calls.
_SUMS = ["agreeing", "disagreeing", "missed", "excluded", "num2", "den", "missed_votes", "eligible"]
_SUM = {name: column for column, name in enumerate(_SUMS)}


@dataclass(frozen=True)
class _Groups:
    """The sums per person, scope, year, term and crucial flag: the finest grain any window needs.

    ``person``, ``scope``, ``year`` and ``term`` are codes (-1: no year, no term) into ``people``,
    ``planks``, ``years`` and ``terms``; ``sums`` has one row per group, columns _SUMS.
    """

    person: np.ndarray
    scope: np.ndarray
    year: np.ndarray
    term: np.ndarray
    crucial: np.ndarray
    sums: np.ndarray
    people: np.ndarray
    planks: np.ndarray
    years: np.ndarray
    terms: np.ndarray


def _tallies(rows: _Rows, options: ScoringOptions) -> pd.DataFrame:
    """Pool the rows into scores for every scope, window and crucial flag (TALLY_COLUMNS)."""
    groups = _finest_sums(rows, options)
    years = len(groups.years)
    window_names = (["lifetime"] + [f"year:{int(y)}" for y in groups.years]
                    + [f"term:{int(t)}" for t in groups.terms])
    # The scores of each window kind and flag, their key the window's code in window_names.
    parts, flags = [], []
    for crucial_only in (False, True):
        chosen = groups.crucial if crucial_only else np.ones(len(groups.sums), dtype=bool)
        if not chosen.any():
            continue
        dated = chosen & (groups.year >= 0)
        yearly, year_of_group = _pool(groups, dated, groups.year)
        pooled_for_life = chosen
        if options.lifetime_excludes_insufficient_sessions:
            # Years without enough counted votes (N.A. years) do not enter the lifetime score.
            counted = yearly.sums[:, [_SUM["agreeing"], _SUM["disagreeing"], _SUM["missed"]]].sum(axis=1)
            pooled_for_life = dated.copy()
            pooled_for_life[dated] = (counted >= options.min_counted_votes)[year_of_group]
        lifetime, _ = _pool(groups, pooled_for_life, np.zeros(len(groups.sums), dtype="int64"))
        parts.append(lifetime)
        if "year" in options.windows:
            parts.append(yearly._replace(key=1 + yearly.key))
        if "term" in options.windows and (groups.term[chosen] >= 0).any():
            termed, _ = _pool(groups, chosen & (groups.term >= 0), groups.term)
            parts.append(termed._replace(key=1 + years + termed.key))
        flags += [crucial_only] * (len(parts) - len(flags))
    person, scope, window, sums = (np.concatenate([getattr(part, name) for part in parts])
                                   for name in _Pooled._fields)
    if not len(person):  # every year short of votes, and lifetime then left without any
        return pd.DataFrame(columns=TALLY_COLUMNS)
    crucial_only = np.repeat(flags, [len(part.person) for part in parts]).astype(bool)

    agreeing, disagreeing, missed = (sums[:, _SUM[name]] for name in ("agreeing", "disagreeing", "missed"))
    counted = agreeing + disagreeing + missed
    num2, den = sums[:, _SUM["num2"]], sums[:, _SUM["den"]]
    enough = (counted >= options.min_counted_votes) & (den > 0)
    safe = np.where(den > 0, 2 * den, 1)
    # ROUND_HALF_UP in integers: floor(x + 1/2) = (2*num + den) // (2*den); never Python's round().
    figures = {"score_exact": np.where(enough, (20000 * num2 + safe) // (2 * safe), NONE),
               "score_display": np.where(enough, (200 * num2 + safe) // (2 * safe), NONE),
               "numerator": 50 * num2, "denominator": 100 * den,  # points and weights, in hundredths
               "averaged": np.zeros(len(sums), dtype=bool)}
    if options.overall_mode == "plank_average":
        overall = scope == int(np.flatnonzero(groups.planks == OVERALL)[0])
        _plank_average(figures, person, window, crucial_only, overall)
    eligible, missed_votes = sums[:, _SUM["eligible"]], sums[:, _SUM["missed_votes"]]
    safe = np.where(eligible > 0, eligible, 1)
    figures["missed_vote_rate"] = np.where(eligible > 0, (20000 * missed_votes + safe) // (2 * safe), NONE)

    # Output order: person, crucial flag, plank, then lifetime, years, terms (each by name).
    window_rank = np.empty(len(window_names), dtype="int64")
    window_rank[sorted(range(len(window_names)), key=lambda i: (min(i, 1) + (i > years), window_names[i]))] = \
        np.arange(len(window_names))
    plank = groups.planks[scope]
    order = np.lexsort((window_rank[window], plank, crucial_only, groups.people[person]))
    scope = scope[order]
    return pd.DataFrame({
        "person_id": groups.people[person[order]],
        "scope": pd.Categorical.from_codes(scope, _scope_names(groups.planks)),
        "plank_id": plank[order], "window": pd.Categorical.from_codes(window[order], window_names),
        "crucial_only": crucial_only[order],
        "agreeing": agreeing[order], "disagreeing": disagreeing[order], "missed": missed[order],
        "excluded": sums[order, _SUM["excluded"]], "counted": counted[order], "eligible": eligible[order],
        "numerator": figures["numerator"][order], "denominator": figures["denominator"][order],
        "score_exact": figures["score_exact"][order], "score_display": figures["score_display"][order],
        "status": pd.Categorical.from_codes(np.where(figures["score_exact"][order] >= 0, 0, 1),
                                            ["ok", "insufficient_data"]),
        "missed_vote_rate": figures["missed_vote_rate"][order], "averaged": figures["averaged"][order]})


def _finest_sums(rows: _Rows, options: ScoringOptions) -> _Groups:
    """The sums of _SUMS per person, scope, year, term and crucial flag: one pass over the rows."""
    roll_calls = rows.roll_calls
    person, people = pd.factorize(rows.v_person)
    term, terms = pd.factorize(rows.v_term)
    year_of_roll_call, years = pd.factorize(roll_calls.year)
    scope, planks = pd.factorize(rows.plank)
    # Each vote's group (person, term, year, crucial flag); a row's group is its vote's x its scope.
    year = year_of_roll_call[rows.v_roll_call]
    vote_key = ((person * (len(terms) + 1) + term + 1) * (len(years) + 1) + year + 1) * 2 \
        + roll_calls.crucial[rows.v_roll_call]
    vote_group, vote_keys = pd.factorize(vote_key)
    group = vote_group[rows.vote] * len(planks) + scope
    count = len(vote_keys) * len(planks)
    if count <= len(group):  # few enough to count every combination, used or not
        occurring = np.arange(count)
    else:
        group, occurring = pd.factorize(group)
        count = len(occurring)
    by_outcome = group * 4 + rows.outcome
    counts = np.bincount(by_outcome, minlength=4 * count).reshape(count, 4)
    weights = np.bincount(by_outcome, weights=rows.weight, minlength=4 * count).reshape(count, 4).astype("int64")
    missed_vote = np.isin(rows.v_position, _MISSED_VOTE_CODES)[rows.vote]
    half = 1 if options.absence_policy == "half_credit" else 0
    sums = np.column_stack([
        counts[:, [_AGREE, _DISAGREE, _MISSED, _EXCLUDED]],
        # Doubled points keep half credit exact in integers: 2w for agreeing, w for a half-credit miss.
        2 * weights[:, _AGREE] + half * weights[:, _MISSED],
        weights[:, [_AGREE, _DISAGREE, _MISSED]].sum(axis=1),
        np.bincount(group, weights=missed_vote, minlength=count).astype("int64"),
        counts.sum(axis=1)])
    used = sums[:, _SUM["eligible"]] > 0
    occurring, sums = occurring[used], sums[used]
    vote_key = vote_keys[occurring // len(planks)]
    person_term, year = np.divmod(vote_key // 2, len(years) + 1)
    return _Groups(person=person_term // (len(terms) + 1), scope=occurring % len(planks), year=year - 1,
                   term=person_term % (len(terms) + 1) - 1, crucial=(vote_key % 2).astype(bool), sums=sums,
                   people=np.asarray(people), planks=np.asarray(planks), years=np.asarray(years),
                   terms=np.asarray(terms))


class _Pooled(NamedTuple):
    """Sums per person, scope and key (codes as in _Groups)."""

    person: np.ndarray
    scope: np.ndarray
    key: np.ndarray
    sums: np.ndarray


def _pool(groups: _Groups, chosen: np.ndarray, key: np.ndarray) -> tuple[_Pooled, np.ndarray]:
    """Sum the chosen groups' sums per person, scope and ``key`` (a code per group, 0 or more).

    Returns one entry per distinct triple, and each chosen group's entry.
    """
    scopes, keys = len(groups.planks), int(key.max()) + 1 if len(key) else 1
    combined = (groups.person[chosen] * scopes + groups.scope[chosen]) * keys + key[chosen]
    distinct, entry = np.unique(combined, return_inverse=True)
    sums = np.column_stack([np.bincount(entry, weights=column, minlength=len(distinct))
                            for column in groups.sums[chosen].T]).astype("int64")
    return _Pooled(distinct // keys // scopes, distinct // keys % scopes, distinct % keys, sums), entry


def _plank_average(figures: dict, person, window, crucial_only, is_overall) -> None:
    """Overall = mean of the plank scores with status ok (as stored, to 0.01), same window and flag.

    Rewrites the overall entries of ``figures``: the numerator becomes the sum of those plank
    scores and the denominator how many planks (the division shown).
    """
    score = figures["score_exact"]
    key = (person * (int(window.max()) + 1) + window) * 2 + crucial_only
    counted = ~is_overall & (score >= 0)
    averaged_key, entry = np.unique(key[counted], return_inverse=True)
    total_of = np.bincount(entry, weights=score[counted], minlength=len(averaged_key)).astype("int64")
    planks_of = np.bincount(entry, minlength=len(averaged_key))
    at = pd.Index(averaged_key).get_indexer(key[is_overall])
    k, total = np.zeros(len(at), dtype="int64"), np.zeros(len(at), dtype="int64")
    k[at >= 0], total[at >= 0] = planks_of[at[at >= 0]], total_of[at[at >= 0]]
    safe = np.where(k > 0, k, 1)
    figures["score_exact"][is_overall] = np.where(k > 0, (2 * total + safe) // (2 * safe), NONE)
    figures["score_display"][is_overall] = np.where(k > 0, (2 * total + 100 * safe) // (200 * safe), NONE)
    figures["numerator"][is_overall] = total
    figures["denominator"][is_overall] = 100 * k
    figures["averaged"][is_overall] = True


def _with_decimals(tallies: pd.DataFrame) -> pd.DataFrame:
    """The tallies as published: Decimals to 0.01 and None for what there is none of (SCORE_COLUMNS)."""
    if tallies.empty:
        return _empty_scores()
    scores = tallies.drop(columns=["averaged"])
    for name in ("scope", "window", "status"):
        scores[name] = tallies[name].astype("str")
    for name in ("numerator", "denominator", "score_exact", "missed_vote_rate"):
        scores[name] = [None if h < 0 else Decimal(h).scaleb(-2) for h in tallies[name].tolist()]
    scores["score_display"] = [None if d < 0 else d for d in tallies["score_display"].tolist()]
    return scores[SCORE_COLUMNS]


def _details(rows: _Rows, positions: pd.DataFrame, options: ScoringOptions) -> pd.DataFrame:
    """One row per person x scope x eligible scored roll call, with its outcome and reason (DETAIL_COLUMNS)."""
    roll_calls, vote = rows.roll_calls, rows.vote
    voted = rows.v_roll_call[vote]
    outcome = rows.outcome
    agree, disagree, missed = outcome == _AGREE, outcome == _DISAGREE, outcome == _MISSED
    excused = rows.v_excused[vote] & ~agree & ~disagree & ~rows.conflict
    position = rows.v_position[vote]
    # Reason codes index _reason_table(): 0-3 fixed, then one block per position for missed / excluded.
    described = np.where(rows.v_not_on_roll[vote], len(POSITIONS), position)
    block = len(POSITIONS) + 1
    reason = np.select([rows.conflict, agree, disagree, excused, missed], [0, 1, 2, 3, 4 + described],
                       4 + block + described)
    recorded = rows.v_recorded[vote]
    labels = np.full(len(vote), "", dtype=object)
    if "raw_label" in positions:
        labels[recorded >= 0] = positions["raw_label"].to_numpy(dtype=object)[recorded[recorded >= 0]]
        labels[pd.isna(labels)] = ""
    order = np.lexsort((roll_calls.aligned_plank, roll_calls.aligned))
    plank_ids = [[] for _ in roll_calls.ids]
    for index, plank in zip(roll_calls.aligned[order].tolist(), roll_calls.aligned_plank[order].tolist()):
        plank_ids[index].append(plank)
    scope_codes, planks = pd.factorize(rows.plank)
    voted_on = roll_calls.voted_on[voted]
    half = 1 if options.absence_policy == "half_credit" else 0
    weight = rows.weight
    points2 = np.where(agree, 2 * weight, np.where(missed, half * weight, 0))
    details = pd.DataFrame({
        "person_id": rows.v_person[vote],
        "scope": pd.Categorical.from_codes(scope_codes, _scope_names(planks)),
        "plank_id": rows.plank, "roll_call_id": roll_calls.ids[voted], "voted_on": voted_on,
        "year": pd.DatetimeIndex(voted_on).year, "term_id": rows.v_term[vote], "crucial": roll_calls.crucial[voted],
        "outcome": pd.Categorical.from_codes(outcome, categories=OUTCOMES),
        "reason": pd.Categorical.from_codes(reason, categories=_reason_table(options)),
        "weight": weight, "points": points2 / 2,
        "pro_position": pd.Categorical.from_codes(rows.pro, categories=["yes", "no"]),
        "position": pd.Categorical.from_codes(position, categories=POSITIONS),
        "raw_label": pd.Categorical(labels),
        "plank_ids": [plank_ids[i] for i in voted.tolist()]})
    details = details.sort_values(["person_id", "plank_id", "voted_on", "roll_call_id"], kind="stable")
    return details.reset_index(drop=True)


def _scope_names(planks) -> list[str]:
    """The scope of each plank id: "overall" for OVERALL, else "plank:<id>"."""
    return ["overall" if plank == OVERALL else f"plank:{plank}" for plank in np.asarray(planks).tolist()]


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(columns=SCORE_COLUMNS)
