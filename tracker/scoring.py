"""The vote-score formula of METHOD.md §6.2-6.3. Pure: DataFrames in, DataFrames out.

No Flask, no database: the service in ``tracker/services/scores.py`` loads the inputs and stores
the results. Everything here is vectorized (merges and group-bys over all positions at once).

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
    - ``positions``: ``roll_call_id, person_id, position, raw_label`` (canonical positions).
    - ``alignments`` (approved only): ``roll_call_id, plank_id, pro_position, weight`` and, when
      known, ``crucial`` (manual flag or None), ``voted_on``, ``yes_count``, ``no_count``,
      ``required_majority``, ``body_id``.
    - ``eligibility``: the terms (``person_id, start_on, end_on`` and optionally ``body_id``,
      ``term_id``) or already resolved ``roll_call_id, person_id, eligible``. None: everyone on a
      roll is eligible for it and nobody else.
    - ``excusals``: ``roll_call_id, person_id`` of absences the committee excused.

    ``scores`` has one row per person x scope (``overall`` / ``plank:<id>``) x window
    (``lifetime`` / ``year:<yyyy>`` / ``term:<id>``) x ``crucial_only``, with the columns of
    ``SCORE_COLUMNS``. ``details`` has one row per person x scope x eligible scored roll call
    (the "how this was worked out" rows), columns ``DETAIL_COLUMNS``; None when
    ``with_details=False`` (a full recompute does not need them).
    """
    options = options or ScoringOptions()
    roll_calls, plank_rows = _roll_call_table(alignments, options)
    if roll_calls.empty:
        return _empty_scores(), (pd.DataFrame(columns=DETAIL_COLUMNS) if with_details else None)
    pairs = _eligible_pairs(roll_calls, positions, eligibility)
    rows = _classified_rows(pairs, positions, roll_calls, plank_rows, excusals, options)
    if rows.empty:  # scored roll calls, but nobody eligible on them
        return _empty_scores(), (pd.DataFrame(columns=DETAIL_COLUMNS) if with_details else None)
    scores = _aggregate(rows, options)
    if not with_details:
        return scores, None
    rows = rows.merge(roll_calls[["roll_call_id", "plank_ids"]], on="roll_call_id")
    details = rows[DETAIL_COLUMNS].sort_values(["person_id", "plank_id", "voted_on", "roll_call_id"],
                                               kind="stable").reset_index(drop=True)
    return scores, details


def _roll_call_table(alignments: pd.DataFrame, options: ScoringOptions):
    """One row per scored roll call (its date, crucial flag, overall weight and pro position)."""
    if alignments is None or alignments.empty:
        return pd.DataFrame(), pd.DataFrame()
    aligned = alignments.copy()
    aligned["weight"] = aligned["weight"].fillna(1).astype("int64")
    aligned["voted_on"] = pd.to_datetime(aligned["voted_on"])
    aligned["crucial"] = crucial_flags(aligned, options.crucial_swing_max)
    grouped = aligned.sort_values("plank_id").groupby("roll_call_id", sort=True)
    roll_calls = grouped.agg(voted_on=("voted_on", "first"), weight=("weight", "max"),
                             pro_position=("pro_position", "first"), pro_kinds=("pro_position", "nunique"),
                             crucial=("crucial", "max"), plank_ids=("plank_id", list)).reset_index()
    if "body_id" in aligned:
        roll_calls = roll_calls.merge(grouped["body_id"].first().reset_index(), on="roll_call_id")
    # Planks that disagree on which side keeps them: the roll call cannot count once overall.
    roll_calls["conflict"] = roll_calls.pop("pro_kinds") > 1
    plank_rows = aligned[["roll_call_id", "plank_id", "pro_position", "weight"]]
    return roll_calls, plank_rows


def _eligible_pairs(roll_calls: pd.DataFrame, positions: pd.DataFrame, eligibility: pd.DataFrame | None):
    """(roll_call_id, person_id, term_id) for every person seated on every scored roll call."""
    on_roll = positions.loc[positions["person_id"].notna() & positions["roll_call_id"].isin(roll_calls["roll_call_id"]),
                            ["roll_call_id", "person_id"]].astype("int64")
    if eligibility is None:
        pairs = on_roll.assign(term_id=np.nan)
    elif "roll_call_id" in eligibility:
        resolved = eligibility[eligibility["eligible"].astype(bool)]
        pairs = resolved[["roll_call_id", "person_id"]].astype("int64").assign(term_id=np.nan)
    else:
        terms = eligibility.copy()
        if "term_id" not in terms:
            terms["term_id"] = np.nan
        terms["start_on"] = pd.to_datetime(terms["start_on"])
        terms["end_on"] = pd.to_datetime(terms["end_on"])
        by_body = "body_id" in terms and "body_id" in roll_calls
        left = roll_calls[["roll_call_id", "voted_on"] + (["body_id"] if by_body else [])]
        right = terms[["person_id", "start_on", "end_on", "term_id"] + (["body_id"] if by_body else [])]
        seated = left.merge(right, on="body_id") if by_body else left.merge(right, how="cross")
        in_term = (seated["start_on"] <= seated["voted_on"]) & (seated["end_on"].isna() | (seated["voted_on"] <= seated["end_on"]))
        pairs = seated.loc[in_term, ["roll_call_id", "person_id", "term_id"]]
        # Someone with no recorded term is judged on the roll calls they appear on.
        without_terms = on_roll[~on_roll["person_id"].isin(terms["person_id"])]
        pairs = pd.concat([pairs, without_terms.assign(term_id=np.nan)], ignore_index=True)
    pairs = pairs.drop_duplicates(["roll_call_id", "person_id"])
    pairs["person_id"] = pairs["person_id"].astype("int64")
    return pairs


OUTCOMES = ["agree", "disagree", "missed", "excluded"]
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


def _classified_rows(pairs, positions, roll_calls, plank_rows, excusals, options: ScoringOptions) -> pd.DataFrame:
    """Every eligible (person, roll call) once for overall and once per plank, with its outcome.

    Positions are handled as small integer codes (index in POSITIONS) so that a million rows
    classify in a fraction of a second.
    """
    recorded = positions.loc[positions["person_id"].notna(), ["roll_call_id", "person_id", "position", "raw_label"]]
    recorded = recorded.astype({"roll_call_id": "int64", "person_id": "int64"})
    recorded = recorded.drop_duplicates(["roll_call_id", "person_id"])
    recorded["position"] = pd.Categorical(recorded["position"].astype(object), categories=POSITIONS)
    recorded["raw_label"] = recorded["raw_label"].astype(object).astype("category")
    votes = pairs.merge(recorded, on=["roll_call_id", "person_id"], how="left")
    # Seated but not on the roll: treated as absent (see the module docstring).
    votes["not_on_roll"] = votes["position"].isna()
    votes["position"] = votes["position"].fillna("absent")
    if "" not in votes["raw_label"].cat.categories:
        votes["raw_label"] = votes["raw_label"].cat.add_categories([""])
    votes["raw_label"] = votes["raw_label"].fillna("")
    # A position row can itself say the person was not seated; it never counts.
    votes = votes[votes["position"] != "not_eligible"]
    if excusals is not None and not excusals.empty:
        excused = excusals[["roll_call_id", "person_id"]].astype("int64").drop_duplicates().assign(excused_by_committee=True)
        votes = votes.merge(excused, on=["roll_call_id", "person_id"], how="left")
        votes["excused_by_committee"] = votes["excused_by_committee"].astype("boolean").fillna(False).astype(bool)
    else:
        votes["excused_by_committee"] = False

    shared = ["roll_call_id", "voted_on", "crucial"]
    overall = votes.merge(roll_calls[shared + ["pro_position", "weight", "conflict"]], on="roll_call_id")
    overall["plank_id"] = OVERALL
    by_plank = votes.merge(plank_rows, on="roll_call_id").merge(roll_calls[shared], on="roll_call_id")
    by_plank["conflict"] = False
    rows = pd.concat([overall, by_plank], ignore_index=True)
    rows["pro_position"] = pd.Categorical(rows["pro_position"].astype(object), categories=["yes", "no"])

    position = rows["position"].cat.codes.to_numpy()
    pro = rows["pro_position"].cat.codes.to_numpy()  # 0 yes, 1 no (POSITIONS starts yes, no)
    conflict = rows["conflict"].to_numpy(dtype=bool)
    valid = pro >= 0  # a pro position other than yes/no never matches anything
    agree = (position == pro) & valid & ~conflict
    disagree = (position == 1 - pro) & valid & ~conflict
    excused = rows["excused_by_committee"].to_numpy(dtype=bool) & ~agree & ~disagree & ~conflict
    if options.absence_policy != "exclude":
        against_codes = [POSITIONS.index(p) for p in options.counted_against]
        counted_against = np.isin(position, against_codes)
    else:
        counted_against = np.zeros(len(rows), dtype=bool)
    missed = counted_against & ~agree & ~disagree & ~excused & ~conflict
    outcome = np.select([agree, disagree, missed], [0, 1, 2], 3).astype("int8")
    rows["outcome"] = pd.Categorical.from_codes(outcome, categories=OUTCOMES)
    # Reason codes index _reason_table(): 0-3 fixed, then one block per position for missed / excluded.
    described = np.where(rows["not_on_roll"].to_numpy(dtype=bool), len(POSITIONS), position)
    block = len(POSITIONS) + 1
    reason = np.select([conflict, agree, disagree, excused, missed], [0, 1, 2, 3, 4 + described],
                       4 + block + described)
    rows["reason"] = pd.Categorical.from_codes(reason, categories=_reason_table(options))
    weight = rows["weight"].to_numpy(dtype="int64")
    # Doubled points keep half credit exact in integers: 2w for agreeing, w for a half-credit miss.
    half = 1 if options.absence_policy == "half_credit" else 0
    rows["points2"] = np.where(agree, 2 * weight, np.where(missed, half * weight, 0))
    rows["den"] = np.where(agree | disagree | missed, weight, 0)
    rows["points"] = rows["points2"] / 2
    # Counting columns as small integers, so one group-by sum gives every count of a score.
    rows["is_agree"], rows["is_disagree"] = agree.astype("int32"), disagree.astype("int32")
    rows["is_missed"], rows["is_excluded"] = missed.astype("int32"), (~(agree | disagree | missed)).astype("int32")
    rows["missed_vote"] = np.isin(position, [POSITIONS.index(p) for p in MISSED]).astype("int32")
    rows["one"] = np.ones(len(rows), dtype="int32")
    rows["year"] = rows["voted_on"].dt.year
    plank_id = rows["plank_id"].to_numpy(dtype="int64")
    scope_names = {OVERALL: "overall", **{int(p): f"plank:{int(p)}" for p in np.unique(plank_id) if p != OVERALL}}
    codes, uniques = pd.factorize(plank_id)
    rows["scope"] = pd.Categorical.from_codes(codes, categories=[scope_names[int(u)] for u in uniques])
    return rows


# Summed per score: column in the rows -> column in the scores.
_SUMS = {"is_agree": "agreeing", "is_disagree": "disagreeing", "is_missed": "missed", "is_excluded": "excluded",
         "points2": "num2", "den": "den", "missed_vote": "missed_votes", "one": "eligible"}


def _aggregate(rows: pd.DataFrame, options: ScoringOptions) -> pd.DataFrame:
    """Pool the rows into scores for every scope, window and crucial flag."""
    frames = []
    for crucial_only in (False, True):
        subset = rows[rows["crucial"]] if crucial_only else rows
        if subset.empty:
            continue
        # One pass over the vote rows to the finest grain (person, scope, year, term); every
        # window is then a sum over that small table.
        subset = subset.groupby(["person_id", "plank_id", "year", "term_id"], sort=False, dropna=False,
                                observed=True)[list(_SUMS)].sum().reset_index()
        yearly = _sum_by(subset, "year")
        yearly["window"] = "year:" + yearly.pop("key").astype(str)
        lifetime_rows = subset
        if options.lifetime_excludes_insufficient_sessions:
            # Years without enough counted votes (N.A. years) do not enter the lifetime score.
            enough = yearly.loc[yearly["agreeing"] + yearly["disagreeing"] + yearly["missed"] >= options.min_counted_votes,
                                ["person_id", "plank_id", "window"]]
            enough = enough.assign(year=enough["window"].str[5:].astype("int64")).drop(columns="window")
            lifetime_rows = subset.merge(enough, on=["person_id", "plank_id", "year"])
        lifetime = _sum_by(lifetime_rows.assign(lifetime=0), "lifetime").drop(columns="key").assign(window="lifetime")
        parts = [lifetime]
        if "year" in options.windows:
            parts.append(yearly)
        if "term" in options.windows and subset["term_id"].notna().any():
            termed = _sum_by(subset[subset["term_id"].notna()], "term_id")
            termed["window"] = "term:" + termed.pop("key").astype("int64").astype(str)
            parts.append(termed)
        frames.append(pd.concat(parts, ignore_index=True).assign(crucial_only=crucial_only))
    scores = pd.concat(frames, ignore_index=True)
    scores["counted"] = scores["agreeing"] + scores["disagreeing"] + scores["missed"]
    enough = (scores["counted"] >= options.min_counted_votes) & (scores["den"] > 0)
    num2, den2 = scores["num2"].to_numpy(dtype="int64"), 2 * scores["den"].to_numpy(dtype="int64")
    safe = np.where(den2 > 0, den2, 1)
    # ROUND_HALF_UP in integers: floor(x + 1/2) = (2*num + den) // (2*den); never Python's round().
    cents = (20000 * num2 + safe) // (2 * safe)
    display = (200 * num2 + safe) // (2 * safe)
    scores["score_cents"] = np.where(enough, cents, -1)
    scores["score_display_int"] = np.where(enough, display, -1)
    scores["status"] = np.where(enough, "ok", "insufficient_data")
    scores["scope"] = np.where(scores["plank_id"] == OVERALL, "overall", "plank:" + scores["plank_id"].astype(str))
    if options.overall_mode == "plank_average":
        scores = _plank_average(scores)
    return _finish(scores)


def _sum_by(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Sum the counting columns per person, scope and window key (one cython group-by pass)."""
    summed = rows.groupby(["person_id", "plank_id", key], sort=False)[list(_SUMS)].sum().reset_index()
    return summed.rename(columns={key: "key", **_SUMS})


def _plank_average(scores: pd.DataFrame) -> pd.DataFrame:
    """Overall = mean of the plank scores with status ok (as stored, to 0.01), same window and flag."""
    keys = ["person_id", "window", "crucial_only"]
    planks = scores[(scores["plank_id"] != OVERALL) & (scores["status"] == "ok")]
    averaged = planks.groupby(keys).agg(sum_cents=("score_cents", "sum"), planks=("score_cents", "size")).reset_index()
    overall = scores[scores["plank_id"] == OVERALL].drop(columns=["num2", "den"]).merge(averaged, on=keys, how="left")
    k = overall["planks"].fillna(0).to_numpy(dtype="int64")
    total = overall["sum_cents"].fillna(0).to_numpy(dtype="int64")
    safe = np.where(k > 0, k, 1)
    ok = k > 0
    overall["score_cents"] = np.where(ok, (2 * total + safe) // (2 * safe), -1)
    overall["score_display_int"] = np.where(ok, (2 * total + 100 * safe) // (200 * safe), -1)
    overall["status"] = np.where(ok, "ok", "insufficient_data")
    # numerator = sum of the plank scores, denominator = how many planks: the division shown.
    overall["num2"] = total  # in cents; _finish turns it into the sum of plank scores
    overall["den"] = k
    overall["averaged"] = True
    rest = scores[scores["plank_id"] != OVERALL].assign(averaged=False)
    return pd.concat([overall.drop(columns=["sum_cents", "planks"]), rest], ignore_index=True)


def _finish(scores: pd.DataFrame) -> pd.DataFrame:
    """Decimals for the published figures, the missed-vote rate, and the documented column order."""
    averaged = scores["averaged"].to_numpy(dtype=bool) if "averaged" in scores else np.zeros(len(scores), dtype=bool)
    scores["score_exact"] = [None if c < 0 else Decimal(int(c)).scaleb(-2) for c in scores["score_cents"]]
    scores["score_display"] = [None if d < 0 else int(d) for d in scores["score_display_int"]]
    # Pooled: numerator in points (may end in .5). Plank average: the sum of plank scores.
    scores["numerator"] = [Decimal(int(n)).scaleb(-2) if a else (Decimal(int(n)) / 2).quantize(Decimal("0.01"))
                           for n, a in zip(scores["num2"], averaged)]
    scores["denominator"] = [Decimal(int(d)).quantize(Decimal("0.01")) for d in scores["den"]]
    eligible, missed_votes = scores["eligible"].to_numpy(dtype="int64"), scores["missed_votes"].to_numpy(dtype="int64")
    safe = np.where(eligible > 0, eligible, 1)
    rate = (20000 * missed_votes + safe) // (2 * safe)
    scores["missed_vote_rate"] = [Decimal(int(r)).scaleb(-2) if e > 0 else None for r, e in zip(rate, eligible)]
    for column in ("agreeing", "disagreeing", "missed", "excluded", "counted", "eligible"):
        scores[column] = scores[column].astype("int64")
    scores["crucial_only"] = scores["crucial_only"].astype(bool)
    window_order = scores["window"].map(lambda w: (0 if w == "lifetime" else 1 if w.startswith("year") else 2))
    scores = scores.assign(_order=window_order).sort_values(["person_id", "crucial_only", "plank_id", "_order", "window"])
    return scores[SCORE_COLUMNS].reset_index(drop=True)


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(columns=SCORE_COLUMNS)
