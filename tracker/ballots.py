"""How a member vote is decided (BALLOTS.md sections 2, 3 and 5). Pure: counts and ranks in, results out.

No Flask, no database: the ballot services load the ballots and store what this module decides,
and ``flask ballot tally`` runs the same functions on a file of paper ballots. Every decision is
taken on whole numbers (no floating point), so the same ballots always give the same result.

Yes/no questions. Ballots are yes, no or abstain. The quorum is a number of ballots (yes + no +
abstain) that must be reached; below it the result is "no quorum" and nothing changes. Otherwise
the question passes when

    simple majority   yes > no
    two-thirds        3 x yes >= 2 x (yes + no), and yes > 0
    three-quarters    4 x yes >= 3 x (yes + no), and yes > 0

Abstentions count for the quorum, never for the threshold; a tie fails.

Ranked questions (competing texts for one plank, several candidates for one seat). Each ballot
ranks options 1, 2, ... (1 = first); equal ranks are allowed, and options a ballot leaves unranked
come after all the ones it ranked, equal among themselves. Then:

1. d[X,Y] = the number of ballots ranking X strictly above Y (every pair is published).
2. Quorum: with fewer ballots than the quorum the result is "no quorum" and nothing else is decided.
3. With a default option D ("keep the current text"), an alternative X stays in the count only
   when the ballots ranking it above D against those ranking D above it pass the question's
   majority, exactly as yes against no above: d[X,D] > d[D,X] for a simple majority,
   d[X,D] >= 2 x d[D,X] (and d[X,D] > 0) for two-thirds, d[X,D] >= 3 x d[D,X] (and d[X,D] > 0)
   for three-quarters. The others are dropped, and the result says why, with the counts.
4. Schulze method on the options left (the default included): the link X->Y is d[X,Y] when
   d[X,Y] > d[Y,X], else 0; p[X,Y] is the strength of the strongest path from X to Y (a path is
   as strong as its weakest link); X beats Y when p[X,Y] > p[Y,X]. The winners are the options no
   option beats; there is always at least one.
5. Ties are never broken by chance: if the default is among the winners, the default wins
   (result "default"); if several alternatives tie, the result is "tie" and nothing changes;
   one winner gives "winner". (Every alternative left after step 3 beats the default pairwise,
   so the default has no link to any of them and is beaten: in practice the default wins
   exactly when every alternative was dropped.)
6. The ranking lists the options left, those that beat more options first. Options that beat
   the same number keep the order in which the options were given (the ballot's order): the
   ranking is for reading, the decision is made by steps 3-5 only.

Choices this module makes where BALLOTS.md leaves room (each is also documented where it is made):
- The quorum of a ranked question is a number of ballots cast, blank ballots included (a blank
  paper ballot was cast; it ranks nothing, so it adds nothing to d). Debian's second quorum (an
  option ranked above the default by at least the quorum) is not applied: BALLOTS.md asks only
  for the majority over the default.
- Paper ballot files (CSV, BLT) are read by ``read_ballot_csv`` and ``read_blt``; their errors
  name the file, the line and the field, and the first error stops the reading (a count must not
  go on with a ballot misread).
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Integral

import numpy as np

MAJORITIES = ("simple", "two-thirds", "three-quarters")
YES_NO_CHOICES = ("yes", "no", "abstain")
DEFAULT_OPTION = "keep the current text"  # the default option of a change to the program
OUTCOMES = ("passed", "failed", "no quorum")  # of a yes/no question
RANKED_RESULTS = ("winner", "default", "tie", "no quorum")
BALLOT_FORMATS = ("csv", "blt")

# Each majority as (a, b): "yes" passes against "no" when a x yes >= b x (yes + no) and yes > 0;
# the simple majority (yes > no) is the strict case and is handled on its own.
_THRESHOLDS = {"two-thirds": (3, 2), "three-quarters": (4, 3)}
# In words, for the reasons given when an option is dropped.
_MAJORITY_WORDS = {"simple": "needs more than half",
                   "two-thirds": "needs at least two-thirds (twice as many above it as below)",
                   "three-quarters": "needs at least three-quarters (three times as many above it as below)"}
_UNRANKED = np.iinfo(np.int64).max  # the rank an unranked option is given: after every ranked one


class BallotFileError(ValueError):
    """A ballot file that cannot be counted. ``str()`` names the file, then the line and the field
    where known: "ballots.csv, line 7, field 'C': rank 'x' is not a whole number"."""

    def __init__(self, file: str, message: str, line: int | None = None, field: str | None = None):
        self.file, self.line, self.field, self.message = str(file), line, field, message
        where = self.file + (f", line {line}" if line is not None else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")


# ---------------------------------------------------------------------------------------------
# Yes/no questions


def _whole(value, name: str) -> int:
    """A count: a whole number of 0 or more (bool refused: True is not a count)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


def _check_majority(majority: str) -> str:
    if majority not in MAJORITIES:
        raise ValueError(f"majority must be one of {', '.join(MAJORITIES)}, not {majority!r}")
    return majority


def _fraction(value) -> Fraction:
    """The quorum fraction as an exact Fraction. Text may be a decimal ("0.25"), a ratio ("1/4")
    or a percentage ("25%"). A float is read as the decimal it prints as (0.1 is 1/10, not the
    binary number nearest to it), so a float never moves a quorum by one ballot."""
    if isinstance(value, bool):
        raise ValueError(f"quorum fraction must be a number, not {value!r}")
    try:
        if isinstance(value, str):
            text = value.strip()
            percent = text.endswith("%")
            number = Fraction(text[:-1].strip() if percent else text)
            return number / 100 if percent else number
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            return Fraction(repr(value))
        if isinstance(value, (Integral, Fraction, Decimal)):
            return Fraction(value)
    except (ValueError, ZeroDivisionError, ArithmeticError):
        pass
    raise ValueError(f"quorum fraction must be a number such as 0.25, 1/4 or 25%, not {value!r}")


def quorum_needed(electorate: int, fraction) -> int:
    """The number of ballots a question needs: ceil(q x electorate), computed exactly.

    ``fraction`` (q) may be text ("0.25", "1/4", "25%"), an int, a Fraction, a Decimal or a float
    (read as the decimal it prints as). Raises ValueError unless 0 <= q <= 1 and the electorate is
    a whole number of 0 or more. Example: a third of 10 members is 4 ballots.
    """
    electorate = _whole(electorate, "electorate")
    q = _fraction(fraction)
    if not 0 <= q <= 1:
        raise ValueError(f"quorum fraction must be between 0 and 1, not {fraction!r}")
    return -((-q.numerator * electorate) // q.denominator)  # ceiling, in integers


def passes(yes: int, no: int, majority: str) -> bool:
    """True when ``yes`` votes against ``no`` votes pass the majority (BALLOTS.md section 2):
    simple: yes > no; two-thirds: 3 x yes >= 2 x (yes + no) and yes > 0; three-quarters:
    4 x yes >= 3 x (yes + no) and yes > 0. Abstentions are not votes here: leave them out."""
    yes, no = _whole(yes, "yes"), _whole(no, "no")
    _check_majority(majority)
    if majority == "simple":
        return yes > no
    a, b = _THRESHOLDS[majority]
    return yes > 0 and a * yes >= b * (yes + no)


@dataclass(frozen=True)
class YesNoResult:
    """The count of a yes/no question. ``ballots`` = yes + no + abstain; ``quorum`` is the number
    of ballots that was needed; ``outcome`` is "passed", "failed" or "no quorum"."""

    yes: int
    no: int
    abstain: int
    ballots: int
    quorum: int
    majority: str
    outcome: str

    def as_dict(self) -> dict:
        """The result as plain JSON-ready values."""
        return {"yes": self.yes, "no": self.no, "abstain": self.abstain, "ballots": self.ballots,
                "quorum": self.quorum, "majority": self.majority, "outcome": self.outcome}


def tally_yes_no(yes: int, no: int, abstain: int = 0, *, quorum: int = 0, majority: str = "simple") -> YesNoResult:
    """Decide a yes/no question: "no quorum" when yes + no + abstain < quorum (nothing changes),
    else "passed" or "failed" by ``passes(yes, no, majority)``. ``quorum`` is a number of ballots
    (see ``quorum_needed``)."""
    yes, no, abstain = _whole(yes, "yes"), _whole(no, "no"), _whole(abstain, "abstain")
    quorum = _whole(quorum, "quorum")
    _check_majority(majority)
    ballots = yes + no + abstain
    if ballots < quorum:
        outcome = "no quorum"
    else:
        outcome = "passed" if passes(yes, no, majority) else "failed"
    return YesNoResult(yes=yes, no=no, abstain=abstain, ballots=ballots, quorum=quorum, majority=majority,
                       outcome=outcome)


# ---------------------------------------------------------------------------------------------
# Ranked questions


def _rank_array(rankings, k: int) -> np.ndarray:
    """Ballots as an (n, k) int64 array, 0 = unranked; raises ValueError on anything else."""
    if isinstance(rankings, np.ndarray) and rankings.dtype.kind in "iu":
        ranks = rankings.astype(np.int64, copy=False)
        if ranks.ndim == 1 and ranks.size == 0:
            ranks = ranks.reshape(0, k)
    else:
        rows = rankings if isinstance(rankings, (list, tuple)) else list(rankings)
        try:
            plain = np.array(rows)  # the quick way when every rank is an int
        except (ValueError, TypeError):
            plain = None  # ballots of different lengths
        if plain is not None and plain.dtype.kind in "iu" and plain.ndim == 2:
            return _rank_array(plain, k)
        cells = plain if plain is not None and plain.dtype == object else np.array(rows, dtype=object)
        if len(rows) == 0:
            return np.zeros((0, k), dtype=np.int64)
        if cells.ndim != 2:
            raise ValueError(f"every ballot must give {k} ranks, one per option (0 or None when unranked)")
        cells[np.equal(cells, None)] = 0
        try:
            ranks = cells.astype(np.int64)
        except (TypeError, ValueError, OverflowError):
            ranks = None
        if ranks is None or not np.all(cells == ranks):  # 1.5 or "1" is not a rank
            raise ValueError("ranks must be whole numbers (1 = first; 0 or None when unranked)")
    if ranks.ndim != 2 or ranks.shape[1] != k:
        raise ValueError(f"every ballot must give {k} ranks, one per option (0 or None when unranked)")
    if ranks.size and ranks.min() < 0:
        raise ValueError("ranks must be 1 or more (0 or None when unranked)")
    return ranks


def _weight_array(weights, n: int) -> np.ndarray | None:
    """Per-ballot counts as an (n,) int64 array (None: every ballot counts once)."""
    if weights is None:
        return None
    array = np.asarray(weights)
    if array.shape != (n,):
        raise ValueError(f"weights must give one count per ballot ({n}), not shape {array.shape}")
    if array.size and array.dtype.kind not in "iu":
        if array.dtype.kind == "O" and all(isinstance(w, Integral) and not isinstance(w, bool) for w in array):
            array = array.astype(np.int64)
        else:
            raise ValueError("weights must be whole numbers")
    array = array.astype(np.int64, copy=False)
    if array.size and array.min() < 0:
        raise ValueError("weights must be 0 or more")
    return array


def pairwise_matrix(ranks: np.ndarray, weights=None) -> np.ndarray:
    """d[X,Y] = the number of ballots (each counted ``weights`` times, default once) ranking X
    strictly above Y. ``ranks`` is an (n, k) integer array, 1 = first and 0 = unranked; an
    unranked option comes after every ranked one, equal to the other unranked ones. Returns a
    (k, k) int64 array with a zero diagonal.

    Vectorized: one numpy comparison per option X (X against every option on every ballot at
    once), no Python loop over ballots; memory stays at one (k, n) array.
    """
    ranks = np.asarray(ranks)
    if ranks.ndim != 2 or ranks.dtype.kind not in "iu":
        raise ValueError("ranks must be an (n, k) array of whole numbers")
    n, k = ranks.shape
    if n and ranks.min() < 0:
        raise ValueError("ranks must be 1 or more (0 when unranked)")
    weights = _weight_array(weights, n)
    # One row per option, one column per ballot: each comparison below reads contiguous memory.
    order = np.ascontiguousarray(np.where(ranks > 0, ranks.astype(np.int64, copy=False), _UNRANKED).T)
    d = np.empty((k, k), dtype=np.int64)
    for x in range(k):
        above = order[x] < order  # above[Y, b]: ballot b ranks x above Y
        d[x] = np.count_nonzero(above, axis=1) if weights is None else above @ weights
    return d


def strongest_paths(d: np.ndarray) -> np.ndarray:
    """p[X,Y] = the strength of the strongest path from X to Y in the Schulze method.

    The link X->Y has strength d[X,Y] when d[X,Y] > d[Y,X] (more ballots prefer X to Y than the
    reverse), else there is no link (0). A path is as strong as its weakest link; p[X,Y] is the
    strongest of all paths from X to Y (Floyd-Warshall widest paths), 0 when there is none.
    Returns a (k, k) int64 array with a zero diagonal.
    """
    d = np.asarray(d)
    if d.ndim != 2 or d.shape[0] != d.shape[1] or d.dtype.kind not in "iu":
        raise ValueError("d must be a square array of whole numbers")
    d = d.astype(np.int64, copy=False)
    p = np.where(d > d.T, d, 0)
    np.fill_diagonal(p, 0)
    for via in range(len(p)):
        # Through `via`: a path X -> via -> Y is as strong as its weaker half. The diagonal may
        # pick up values here; it never raises another cell (min with it is at most that cell).
        np.maximum(p, np.minimum(p[:, via, None], p[None, via, :]), out=p)
    np.fill_diagonal(p, 0)
    return p


@dataclass(frozen=True)
class RankedResult:
    """The count of a ranked question, with everything needed to redo it by hand.

    ``pairwise`` is d for every ordered pair of options; ``strongest_paths`` is p over the options
    left after dropping (0 where there is no path); ``dropped`` lists ``{"option", "reason"}``;
    ``winners`` are the options no option beats; ``ranking`` the options left, most options beaten
    first (equal counts in the given order); ``result`` is "winner", "default", "tie" or
    "no quorum"; ``winner`` is the option that wins (the default when the default wins), None on a
    tie or without quorum. ``ballots`` is the number of ballots cast (weights summed).
    """

    options: list[str]
    ballots: int
    pairwise: dict[str, dict[str, int]]
    strongest_paths: dict[str, dict[str, int]]
    dropped: list[dict]
    winners: list[str]
    ranking: list[str]
    result: str
    winner: str | None
    quorum: int = 0
    majority: str = "simple"
    default: str | None = None

    def as_dict(self) -> dict:
        """The result as plain JSON-ready values (the keys of ``flask ballot tally --json``)."""
        return {"options": list(self.options), "ballots": self.ballots,
                "pairwise": {x: dict(row) for x, row in self.pairwise.items()},
                "strongest_paths": {x: dict(row) for x, row in self.strongest_paths.items()},
                "dropped": [dict(item) for item in self.dropped], "winners": list(self.winners),
                "ranking": list(self.ranking), "result": self.result, "winner": self.winner,
                "quorum": self.quorum, "majority": self.majority, "default": self.default}


def _ballots(count: int) -> str:
    return f"{count} ballot" + ("" if count == 1 else "s")


def _pair_table(names: list[str], matrix: np.ndarray) -> dict[str, dict[str, int]]:
    return {x: {y: int(matrix[i, j]) for j, y in enumerate(names) if j != i} for i, x in enumerate(names)}


def _check_options(options) -> list[str]:
    options = list(options)
    if not options:
        raise ValueError("a ranked question needs at least one option")
    for option in options:
        if not isinstance(option, str) or not option.strip():
            raise ValueError(f"options must be non-blank names, not {option!r}")
    if len(set(options)) != len(options):
        twice = sorted({o for o in options if options.count(o) > 1})
        raise ValueError(f"options must be distinct; given more than once: {', '.join(map(repr, twice))}")
    return options


def tally_ranked(options: list[str], rankings, *, weights=None, default: str | None = None, quorum: int = 0,
                 majority: str = "simple") -> RankedResult:
    """Decide a ranked question (BALLOTS.md section 3; the steps are in this module's docstring).

    ``rankings`` is a sequence of ballots, each a sequence of len(options) ranks in option order
    (1 = first, 0 or None = unranked, equal ranks allowed), or an (n, k) integer numpy array with
    0 = unranked. ``weights`` optionally counts each ballot several times (paper files merge
    identical ballots). ``default`` names the option that keeps things as they are ("keep the
    current text"), if the question has one; ``quorum`` is the number of ballots needed and
    ``majority`` the majority an alternative needs over the default. Raises ValueError on input
    that is not a set of ballots for these options.
    """
    options = _check_options(options)
    _check_majority(majority)
    quorum = _whole(quorum, "quorum")
    if default is not None and default not in options:
        raise ValueError(f"the default option {default!r} is not one of the options: {', '.join(options)}")
    k = len(options)
    ranks = _rank_array(rankings, k)
    weight_array = _weight_array(weights, len(ranks))
    ballots = int(weight_array.sum()) if weight_array is not None else len(ranks)
    d = pairwise_matrix(ranks, weight_array)
    pairwise = _pair_table(options, d)
    common = {"options": options, "ballots": ballots, "pairwise": pairwise, "quorum": quorum,
              "majority": majority, "default": default}
    if ballots < quorum:
        return RankedResult(strongest_paths={}, dropped=[], winners=[], ranking=[], result="no quorum",
                            winner=None, **common)

    left = list(range(k))
    dropped = []
    if default is not None:
        home = options.index(default)
        left = []
        for i, option in enumerate(options):
            above, below = int(d[i, home]), int(d[home, i])
            if i == home or passes(above, below, majority):
                left.append(i)
            else:
                dropped.append({"option": option, "reason": f"ranked above {default!r} on {_ballots(above)}, "
                                                            f"below it on {below}: {_MAJORITY_WORDS[majority]}"})

    names = [options[i] for i in left]
    p = strongest_paths(d[np.ix_(left, left)])
    beats = p > p.T  # beats[X, Y]: X beats Y
    winners = [names[j] for j in np.flatnonzero(~beats.any(axis=0))]
    # Most options beaten first; a stable sort keeps the given order among equal counts.
    ranking = [names[j] for j in np.argsort(-beats.sum(axis=1), kind="stable")]
    if default is not None and default in winners:
        result, winner = "default", default
    elif len(winners) == 1:
        result, winner = "winner", winners[0]
    else:
        result, winner = "tie", None
    return RankedResult(strongest_paths=_pair_table(names, p), dropped=dropped, winners=winners, ranking=ranking,
                        result=result, winner=winner, **common)


# ---------------------------------------------------------------------------------------------
# Paper ballot files


def read_ballot_csv(text: str, filename: str = "ballots.csv") -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read ranked paper ballots from CSV: returns (options, ranks (n, k), weights (n,)).

    The header names the options; each following row is one ballot holding a rank per option
    (1 = first, blank = unranked; equal ranks allowed; no rank above the number of options). An
    optional column named "weight" counts identical ballots (a whole number, 1 or more). A row
    of blank ranks is a blank ballot: it is counted as cast and ranks nothing. Empty lines are
    skipped. A file whose header has no comma but semicolons (or tabs) is read with that
    separator (spreadsheets in many languages save so).

    Raises BallotFileError naming the file, line and field of the first problem: an empty file,
    blank or duplicate option names, fewer than two options, a rank that is not a whole number
    of 1 or more, a weight that is not a whole number of 1 or more, a row with the wrong number
    of cells, or no ballots at all.
    """
    name = str(filename)
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, starts = [], []
    previous_end = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row) or (row and len(row) > 1):
                rows.append(row)
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as error:
        raise BallotFileError(name, f"not a readable CSV file ({error})", line=reader.line_num)
    if not rows:
        raise BallotFileError(name, "the file is empty: the first line must name the options", line=1)

    header = [cell.strip() for cell in rows[0]]
    header_line = starts[0]
    for position, cell in enumerate(header, start=1):
        if not cell:
            raise BallotFileError(name, "an option name is blank", line=header_line, field=f"column {position}")
    weight_columns = [i for i, cell in enumerate(header) if cell.lower() == "weight"]
    if len(weight_columns) > 1:
        raise BallotFileError(name, "there is more than one weight column", line=header_line, field="weight")
    option_columns = [i for i in range(len(header)) if i not in weight_columns]
    options = [header[i] for i in option_columns]
    seen = set()
    for option in options:
        if option in seen:
            raise BallotFileError(name, "this option is named twice in the header", line=header_line, field=option)
        seen.add(option)
    if len(options) < 2:
        raise BallotFileError(name, f"a ranked ballot needs at least two options; the header names {len(options)}"
                              " (is the file separated by commas?)", line=header_line)
    width, k = len(header), len(options)

    body, lines = rows[1:], np.array(starts[1:], dtype=np.int64)
    if not body:
        raise BallotFileError(name, "there are no ballots: after the header, one row per ballot", line=header_line + 1)
    lengths = np.fromiter((len(row) for row in body), dtype=np.int64, count=len(body))
    wrong = np.flatnonzero(lengths != width)
    if wrong.size:
        b = int(wrong[0])
        count = int(lengths[b])
        column = header[count] if count < width else f"column {width + 1}"
        raise BallotFileError(name, f"the row has {count} cell{'' if count == 1 else 's'}, the header {width}",
                              line=int(lines[b]),
                              field=column)

    cells = np.char.strip(np.array(body, dtype=str).reshape(len(body), width))
    blank = cells == ""
    # Only ASCII digits ("²" and "٣" are digits to Python, not to a teller), at most 18 of them
    # (so the cast below cannot overflow; no rank or count is that long).
    usable = ~blank & (np.char.strip(cells, "0123456789") == "") & (np.char.str_len(cells) <= 18)
    values = np.zeros(cells.shape, dtype=np.int64)
    values[usable] = cells[usable].astype(np.int64)

    problem = np.zeros(cells.shape, dtype=bool)
    rank_part, weight_part = np.zeros(width, dtype=bool), np.zeros(width, dtype=bool)
    rank_part[option_columns] = True
    weight_part[weight_columns] = True
    problem |= rank_part & ~blank & ~(usable & (values >= 1) & (values <= k))
    problem |= weight_part & ~(usable & (values >= 1))
    if problem.any():
        b, column = (int(v) for v in np.argwhere(problem)[0])
        cell, where = str(cells[b, column]), {"line": int(lines[b]), "field": header[column]}
        if weight_part[column]:
            if not cell:
                raise BallotFileError(name, "the weight is blank (write how many identical ballots this row holds)",
                                      **where)
            raise BallotFileError(name, f"weight {cell!r} is not a whole number of 1 or more", **where)
        if not usable[b, column]:
            raise BallotFileError(name, f"rank {cell!r} is not a whole number", **where)
        if values[b, column] < 1:
            raise BallotFileError(name, f"rank {cell} is not 1 or more (leave the cell blank when unranked)", **where)
        raise BallotFileError(name, f"rank {cell} is more than the number of options ({k})", **where)

    ranks = values[:, option_columns]  # blank cells are 0: unranked
    weights = values[:, weight_columns[0]] if weight_columns else np.ones(len(body), dtype=np.int64)
    return options, ranks, weights.astype(np.int64)


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PREFERENCE = re.compile(r"\d+(=\d+)*")


def _blt_number(token: str, name: str, line: int, field: str, smallest: int) -> int:
    if not token.isascii() or not token.isdigit() or int(token) < smallest:
        kind = "a whole number" if smallest == 0 else f"a whole number of {smallest} or more"
        raise BallotFileError(name, f"{token!r} is not {kind}", line=line, field=field)
    return int(token)


def read_blt(text: str, filename: str = "ballots.blt") -> tuple[list[str], np.ndarray, np.ndarray, str]:
    """Read ranked ballots in BLT (the format of OpenSTV and OpaVote): returns (options, ranks
    (n, k), weights (n,), title).

    The first line is "options seats" (seats must be 1: a count decides one question). An
    optional next line of negative numbers names withdrawn options: they are left out, as if
    they had not been printed on the ballot. Then one line per ballot, "weight o1 o2 ... 0": the
    weight counts identical ballots, o1 o2 ... are option numbers (from 1) in order of
    preference, "o1=o2" marks equal preference, options not listed are unranked. A line "0" ends
    the ballots; then come the option names in double quotes, one per line, and the title in
    double quotes.

    Raises BallotFileError naming the file, line and field of the first problem.
    """
    name = str(filename)
    lines = [(number, line.strip()) for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines:
        raise BallotFileError(name, 'the file is empty: the first line must be "options seats"', line=1)

    number, first = lines[0]
    tokens = first.split()
    if len(tokens) != 2:
        raise BallotFileError(name, f'the first line must be "options seats" (two numbers), not {first!r}',
                              line=number, field="options")
    k = _blt_number(tokens[0], name, number, "options", 2)
    seats = _blt_number(tokens[1], name, number, "seats", 1)
    if seats != 1:
        raise BallotFileError(name, f"the file asks for {seats} seats; a count decides one question (one winner)",
                              line=number, field="seats")

    position = 1
    withdrawn = set()
    if position < len(lines) and lines[position][1].startswith("-"):
        number, line = lines[position]
        for token in line.split():
            if not re.fullmatch(r"-\d+", token) or not 1 <= -int(token) <= k:
                raise BallotFileError(name, f"withdrawn option {token!r} is not -1 to -{k}", line=number,
                                      field="withdrawn")
            withdrawn.add(-int(token) - 1)
        position += 1

    ballots, weights = [], []
    ended = False
    while position < len(lines):
        number, line = lines[position]
        position += 1
        tokens = line.split()
        if tokens == ["0"]:
            ended = True
            break
        weight = _blt_number(tokens[0], name, number, "weight", 1)
        if tokens[-1] != "0":
            raise BallotFileError(name, "a ballot line must end with 0", line=number, field=f"preference {len(tokens)}")
        ranks = [0] * k
        for place, token in enumerate(tokens[1:-1], start=1):
            if not _PREFERENCE.fullmatch(token):
                raise BallotFileError(name, f"{token!r} is not an option number (or numbers joined by '=')",
                                      line=number, field=f"preference {place}")
            for option in token.split("="):
                index = int(option) - 1
                if not 0 <= index < k:
                    raise BallotFileError(name, f"option {option} is not 1 to {k}", line=number,
                                          field=f"preference {place}")
                if ranks[index]:
                    raise BallotFileError(name, f"option {option} is ranked twice on this ballot", line=number,
                                          field=f"preference {place}")
                ranks[index] = place
        ballots.append(ranks)
        weights.append(weight)
    if not ended:
        raise BallotFileError(name, 'the ballots must end with a line "0" before the option names',
                              line=lines[-1][0] + 1)
    if not ballots:
        raise BallotFileError(name, "there are no ballots before the line \"0\"", line=lines[position - 1][0])

    strings = []  # (line, text) of every quoted string after the ballots
    for number, line in lines[position:]:
        found = list(_QUOTED.finditer(line))
        if not found or _QUOTED.sub("", line).strip():
            raise BallotFileError(name, f"expected a name in double quotes, not {line!r}", line=number,
                                  field=f"name {len(strings) + 1}" if len(strings) < k else "title")
        strings.extend((number, match.group(1).replace('\\"', '"').strip()) for match in found)
    if len(strings) < k:
        raise BallotFileError(name, f"the file names {len(strings)} options; its first line says {k}",
                              line=lines[-1][0], field=f"name {len(strings) + 1}")
    if len(strings) > k + 1:
        raise BallotFileError(name, "there is more after the title than the format allows", line=strings[k + 1][0],
                              field="title")
    all_options = [s for _, s in strings[:k]]
    title = strings[k][1] if len(strings) > k else ""
    seen = set()
    for index, (number, option) in enumerate(strings[:k], start=1):
        if not option:
            raise BallotFileError(name, "an option name is blank", line=number, field=f"name {index}")
        if option in seen:
            raise BallotFileError(name, f"option {option!r} is named twice", line=number, field=f"name {index}")
        seen.add(option)

    kept = [i for i in range(k) if i not in withdrawn]
    if len(kept) < 2:
        raise BallotFileError(name, "fewer than two options are left once the withdrawn ones are removed",
                              line=lines[1][0], field="withdrawn")
    ranks = np.array(ballots, dtype=np.int64).reshape(len(ballots), k)[:, kept]
    return [all_options[i] for i in kept], ranks, np.array(weights, dtype=np.int64), title


def _decode(data, name: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = bytes(data)[:error.start].count(b"\n") + 1
        raise BallotFileError(name, "the file is not UTF-8 text (save it as UTF-8)", line=line)


def guess_ballot_format(text: str, filename: str) -> str:
    """"csv" or "blt": from the file's extension, else from its first line (two whole numbers,
    "options seats", is BLT)."""
    lower = str(filename).lower()
    for fmt in BALLOT_FORMATS:
        if lower.endswith("." + fmt):
            return fmt
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    return "blt" if re.fullmatch(r"\s*\d+\s+\d+\s*", first) else "csv"


def read_ballot_file(text, filename: str, fmt: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read a paper ballot file: returns (options, ranks (n, k), weights (n,)).

    ``text`` is the file's text (bytes are decoded as UTF-8). ``fmt`` is "csv" or "blt"; None
    guesses it from the extension, else from the content (see ``guess_ballot_format``). Raises
    BallotFileError naming file, line and field; ValueError for an unknown format.
    """
    name = str(filename)
    text = _decode(text, name)
    if fmt is None:
        fmt = guess_ballot_format(text, name)
    if fmt == "csv":
        return read_ballot_csv(text, name)
    if fmt == "blt":
        options, ranks, weights, _title = read_blt(text, name)
        return options, ranks, weights
    raise ValueError(f"ballot file format must be one of {', '.join(BALLOT_FORMATS)}, not {fmt!r}")
