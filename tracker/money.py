"""Corporate-money rules: who gave, what kind of money it is, and what a pledge clause says about it.

This module is PURE (pandas + standard library only): DataFrames of contribution lines go in,
DataFrames with a donor class, the rule that decided it and the evidence come out. It is the
binding implementation of METHOD.md sections 6.5-6.7 and is read by organizers and journalists,
so every rule has a stable id (``rule``) and a plain-language reason in its evidence.

Pipeline, in the order METHOD.md 6.5 gives it:

1. ``latest_amendments``: a filing amendment replaces the earlier version of the same report.
2. ``dedupe_earmarks``: an earmarked gift reported by the conduit (memo) and by the recipient
   (15E) counts once. Memo lines never enter cash totals (``cash_total_cents``).
3. ``match_refunds``: refunds are matched to earlier receipts of the same donor, oldest first.
4. ``classify``: one donor class per line (codes first, then organization lists, then the name).
5. ``evaluate_clause``: a pledge clause's verdict on each receipt from the signing date on.

Everything here is vectorized: no Python loop runs once per contribution on the classification
path; loops only run over the (few) flagged lines to build their evidence.

Why our own name rules and not a library: on the 87 distinct organization names of the real
samples (FEC ORG, Form 460 OTH/COM/SCC), ``cleanco`` finds a legal form on exactly the names our
final-token rule does, except one where the suffix is mid-name ("...Foundation, Inc. dba Voqal
USA"); ``probablepeople`` tags 63 of 87 as "Corporation" (family dairies, unions, clubs alike) and
18 as "Person", so its tag says "organization", not "corporation". Neither adds a decision; both
would add a dependency (and per-name Python calls).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from tracker.vocabulary import DONOR_CLASSES

RULESET_VERSION = "2026.1"

# Columns classify() reads; any that are missing are treated as empty.
CONTRIBUTION_COLUMNS = ("donor_name", "donor_entity_type", "donor_committee_id", "employer", "occupation",
                        "transaction_type", "memo", "amount_cents", "received_on", "recipient_committee_id",
                        "source")
COMMITTEE_COLUMNS = ("committee_id", "name", "committee_type", "designation", "org_type", "connected_org")

# --- Codes (METHOD.md section 3) -------------------------------------------------------------------
ORG_TYPE_CLASSES = {"C": "corporate_pac", "W": "corp_nonstock_pac", "T": "trade_assoc_pac",
                    "V": "cooperative_pac", "M": "membership_pac", "L": "labor_pac"}
DESIGNATION_CLASSES = {"D": "leadership_pac", "B": "lobbyist_pac"}
COMMITTEE_TYPE_CLASSES = {"X": "party", "Y": "party", "Z": "party", "H": "candidate_committee",
                          "S": "candidate_committee", "P": "candidate_committee", "O": "super_pac",
                          "U": "super_pac"}
# Donor entity codes that name a person: never looked up as a committee, because on FEC 15E lines
# OTHER_ID is the conduit (e.g. the earmarking platform), not the donor.
PERSON_ENTITY_CODES = ("IND", "CAN")
INDEPENDENT_EXPENDITURE_TYPES = ("24E", "24A")
IN_KIND_TYPES = ("24Z", "15Z")
REFUND_TYPES = ("22Y", "22Z")  # refunds of contributions to individuals / to committees
EARMARKED_TYPES = ("15E", "15J", "18J", "24I", "24T")
CANDIDATE_SELF_TYPES = ("15C",)

# --- Name patterns (whole tokens only, on names normalized by normalize_names) -------------------
LEGAL_SUFFIXES = ("INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LLC", "LLP", "LP", "LLLP",
                  "PLLC", "PC", "LTD", "LIMITED", "PLC", "& CO", "AND CO", "& COMPANY", "AND COMPANY")
# Patterns run on normalize_names() output (upper case, single spaces), in pyarrow's regex engine;
# they are non-capturing so pandas need not fall back to Python's re (the *_TOKEN versions capture
# the token for the evidence, on the few names that matched).
# The suffix must be the last token of the name ("CORPUZ MARIA" has no suffix: F13).
_SUFFIX_ALTERNATION = "|".join(sorted(LEGAL_SUFFIXES, key=len, reverse=True))
_LEGAL_SUFFIX_RE = r"(?:^| )(?:" + _SUFFIX_ALTERNATION + r")$"
_LEGAL_SUFFIX_TOKEN = r"(?:^| )(" + _SUFFIX_ALTERNATION + r")$"
_LABOR_WORDS = (r"UNION|LOCAL (?:NO |UNION NO |UNION )?[0-9]+|BROTHERHOOD|FEDERATION|AFL ?CIO|SEIU|IBEW|UFCW|"
                r"TEAMSTERS|UAW|AFSCME|UNITE HERE")
_LABOR_RE = r"\b(?:" + _LABOR_WORDS + r")\b"
_LABOR_TOKEN = r"\b(" + _LABOR_WORDS + r")\b"
# Legal suffix + one of these words: a nonprofit can be incorporated too, a person must decide.
_AMBIGUOUS_WORDS = "ASSOCIATION|FOUNDATION|SOCIETY|CHURCH|COUNCIL|COALITION|CLUB"
_AMBIGUOUS_ORG_RE = r"\b(?:" + _AMBIGUOUS_WORDS + r")\b"
_AMBIGUOUS_ORG_TOKEN = r"\b(" + _AMBIGUOUS_WORDS + r")\b"
_EXECUTIVE_RE = (r"\b(?:CEO|CFO|COO|CTO|CHIEF .* OFFICER|PRESIDENT|CHAIR(?:MAN|WOMAN)?|EXECUTIVE VICE PRESIDENT|EVP|"
                 r"SVP|VICE PRESIDENT|VP|MANAGING DIRECTOR|GENERAL COUNSEL)\b")
EMPLOYER_PLACEHOLDERS = ("SELF EMPLOYED", "SELFEMPLOYED", "SELF", "RETIRED", "NONE", "NOT EMPLOYED", "HOMEMAKER",
                         "INFORMATION REQUESTED", "INFORMATION REQUESTED PER BEST EFFORTS", "NA", "N A", "")

# Pledge clauses (METHOD.md 6.5 step 5).
# notice_days (step 7): days between telling the candidate of a flag and publishing it.
CLAUSE_DEFAULTS = {
    "no_corporate_pac": {"cure_days": 30, "notice_days": 7},
    "no_corporate_money": {"cure_days": 30, "include_executives": False, "notice_days": 7},
    "no_fossil_fuel_money": {"cure_days": 30, "company_list": [], "include_employees": False,
                             "comparator": "gt", "aggregation": "per_donor_cycle", "threshold": 200,
                             "notice_days": 7},
}
CORPORATE_PAC_CLASSES = ("corporate_pac",)
CORPORATE_ADJACENT_CLASSES = ("corp_nonstock_pac", "trade_assoc_pac", "cooperative_pac", "membership_pac",
                              "lobbyist_pac", "business_entity")
CORPORATE_MONEY_CLASSES = ("corporate_pac", "corp_nonstock_pac", "trade_assoc_pac", "cooperative_pac",
                           "business_entity")
FLAG_COLUMNS = ("contribution_id", "status", "amount_cents", "net_cents", "refunds", "evidence", "donor_class",
                "rule", "reason")


@dataclass
class MoneyLists:
    """Lists the organization maintains. Names are compared after ``normalize_names``; company
    names additionally without their legal suffix (``company_keys``), so "EXXON MOBIL CORP" matches
    "Exxon Mobil Corporation"."""

    known_corporate: set[str] = field(default_factory=set)
    exceptions: set[str] = field(default_factory=set)
    company_list: set[str] = field(default_factory=set)
    lobbyists: set[str] = field(default_factory=set)


# --- Small helpers ---------------------------------------------------------------------------------

def _text(df: pd.DataFrame, column: str) -> pd.Series:
    """A column as strings ('' when missing), on df's index. Kept in pandas' string dtype so the
    string operations below run in pyarrow's compiled kernels, not in a Python loop."""
    if column not in df.columns:
        return pd.Series("", index=df.index, dtype="str")
    values = df[column]
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str")
    return values.fillna("")


def _code(df: pd.DataFrame, column: str) -> pd.Series:
    return _text(df, column).str.strip().str.upper()


def _bool(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        return pd.Series(False, index=df.index)
    values = df[column]
    if values.dtype == bool:
        return values
    as_text = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.upper()
    return as_text.isin(("TRUE", "X", "1", "Y", "YES", "T"))


def _amounts(df: pd.DataFrame) -> pd.Series:
    if "amount_cents" not in df.columns:
        return pd.Series(0, index=df.index, dtype="int64")
    return pd.to_numeric(df["amount_cents"], errors="coerce").fillna(0).astype("int64")


def _dates(df: pd.DataFrame, column: str = "received_on") -> pd.Series:
    if column not in df.columns:
        return pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    return pd.to_datetime(df[column], errors="coerce")


def normalize_names(names: pd.Series) -> pd.Series:
    """Upper-case, periods dropped ("L.L.C." -> "LLC", "INC." -> "INC"), other punctuation made a
    space (except "&"), spaces collapsed. Whole-token matching is done on this form."""
    text = (names if isinstance(names.dtype, pd.StringDtype) else names.astype("str")).fillna("").str.upper()
    text = text.str.replace(".", "", regex=False)
    # One pass: any run of punctuation and/or spaces becomes one space.
    return text.str.replace(r"[^\w&]+", " ", regex=True).str.strip()


def normalize_name(name: str | None) -> str:
    """``normalize_names`` for one name."""
    return normalize_names(pd.Series([name or ""])).iloc[0]


def company_keys(names: pd.Series) -> pd.Series:
    """Normalized names without a final legal suffix and a leading "THE", for company-list matching."""
    keys = normalize_names(names).str.replace(_LEGAL_SUFFIX_RE, "", regex=True).str.strip()
    return keys.str.replace(r"^THE ", "", regex=True)


def _suffix_prefixes() -> list[str]:
    """Every legal suffix and its truncations ("CORPORAT"): filings cut long employer names short."""
    words = {s for s in LEGAL_SUFFIXES if " " not in s}
    prefixes = {w[:n] for w in words for n in range(2, len(w) + 1)}
    return sorted(prefixes | {s for s in LEGAL_SUFFIXES if " " in s}, key=len, reverse=True)


def company_matches(names: pd.Series, companies: set[str]) -> pd.Series:
    """True where a name (an employer, a PAC's connected organization) is one of ``companies``:
    same words after normalization, ignoring a leading THE and a final legal suffix, even a
    truncated one ("GENERAL DYNAMICS CORPORAT" is "General Dynamics Corporation")."""
    keys = sorted(_key_set(companies) - {""}, key=len, reverse=True)
    if not keys:
        return pd.Series(False, index=names.index)
    pattern = (r"^(?:THE )?(?:" + "|".join(re.escape(k) for k in keys) + r")(?: (?:" +
               "|".join(re.escape(p) for p in _suffix_prefixes()) + r"))?$")
    return normalize_names(names).str.contains(pattern, regex=True).astype(bool)


def _key_set(values) -> set[str]:
    values = list(values or [])
    if not values:
        return set()
    return set(company_keys(pd.Series(values, dtype=object)))


def _name_set(values) -> set[str]:
    values = list(values or [])
    if not values:
        return set()
    return set(normalize_names(pd.Series(values, dtype=object)))


def itemized_fed(amount) -> bool:
    """True when an amount (dollars, or an aggregate) must be itemized on an FEC report: over $200."""
    return round(float(amount) * 100) > 20000


def itemized_ca(amount) -> bool:
    """True when a California Form 460 contributor is itemized: $100 or more in the calendar year."""
    return round(float(amount) * 100) >= 10000


def election_cycle(dates: pd.Series) -> pd.Series:
    """The two-year federal election cycle a date falls in, named by its even (election) year."""
    years = dates.dt.year
    return (years + years % 2).astype("Int64")


# --- Step 0: what kind of money a line is -------------------------------------------------------------

def receipt_kinds(df: pd.DataFrame) -> pd.Series:
    """Kind of every line (vectorized): ``independent_expenditure`` (FEC 24E/24A: spent for or against
    the candidate, never received by them), ``in_kind`` (24Z, 15Z, or CA Schedule C), ``refund`` (FEC
    22Y/22Z, or any negative receipt: a California returned contribution, an FEC "VOID" line),
    ``receipt`` otherwise; ``other`` for
    other 24x committee transactions (coordinated, communication costs...)."""
    # A file has a handful of distinct codes: each is read once, then spread to its lines.
    raw_tt = df["transaction_type"] if "transaction_type" in df.columns else pd.Series(None, index=df.index, dtype=object)
    tt_codes, tt_values = pd.factorize(raw_tt)  # a missing code is -1: the False appended below
    tt = pd.Series(tt_values, dtype=object).astype(str).str.strip().str.upper()
    tt_of_line = lambda condition: np.append(condition.to_numpy(dtype=bool), False)[tt_codes]  # noqa: E731
    schedule_c = ((_code(df, "schedule") == "C").to_numpy() if "schedule" in df.columns
                  else np.zeros(len(df), dtype=bool))
    amount = _amounts(df).to_numpy()
    kinds = np.select(
        [tt_of_line(tt.isin(INDEPENDENT_EXPENDITURE_TYPES)),
         tt_of_line(tt.isin(IN_KIND_TYPES)) | schedule_c,
         tt_of_line(tt.isin(REFUND_TYPES)) | (amount < 0),
         tt_of_line(tt.str.startswith("24") & (tt != "24K"))],
        ["independent_expenditure", "in_kind", "refund", "other"],
        default="receipt")
    return pd.Series(kinds, index=df.index, name="receipt_kind")


def receipt_kind(source, transaction_type, amount_cents, memo=False) -> str:
    """``receipt_kinds`` for one line."""
    row = pd.DataFrame([{"source": source, "transaction_type": transaction_type, "amount_cents": amount_cents,
                         "memo": memo}])
    return receipt_kinds(row).iloc[0]


def cash_total_cents(df: pd.DataFrame) -> int:
    """Money the committee actually received: receipts and in-kind, memo lines excluded (a memo
    attributes money already counted, METHOD.md 6.5 step 2), refunds netted, IEs never counted."""
    kinds = df["receipt_kind"] if "receipt_kind" in df.columns else receipt_kinds(df)
    memo = _bool(df, "memo")
    amount = _amounts(df)
    received = amount[kinds.isin(("receipt", "in_kind")) & ~memo].sum()
    refunded = _refund_values(df, kinds)[(kinds == "refund") & ~memo].sum()
    return int(received - refunded)


# --- Step 1 and 2: amendments and earmarks ---------------------------------------------------------

def latest_amendments(df: pd.DataFrame) -> pd.DataFrame:
    """Keep only the latest version of each report (METHOD.md 6.5 step 1).

    A report is identified by (filer committee, ``original_report``); its versions are ordered by
    ``amendment_seq`` when given (CAL-ACCESS AMEND_ID) else by the numeric ``filing_id`` (FEC
    FILE_NUM grows with every filing). Only lines of the latest version survive, so a line absent
    from the latest amendment is dropped; inside it, a TRAN_ID appears once. Lines with a ``sub_id``
    (FEC bulk) are first made unique on it. Rows without a report id are kept as they are."""
    if df.empty:
        return df
    out = df
    if "sub_id" in out.columns:
        sub_id = _text(out, "sub_id")
        out = out[~((sub_id != "") & sub_id.duplicated(keep="last"))]
    committee = _text(out, "filer_committee_id") if "filer_committee_id" in out.columns else _text(
        out, "recipient_committee_id")
    report = _text(out, "original_report")
    report = report.where(report != "", _text(out, "filing_id"))
    if "amendment_seq" in out.columns:
        order = pd.to_numeric(out["amendment_seq"], errors="coerce")
    else:
        order = pd.to_numeric(_text(out, "filing_id").str.extract(r"(\d+)", expand=False), errors="coerce")
    work = pd.DataFrame({"committee": committee, "report": report, "order": order.fillna(-1),
                         "tran": _text(out, "tran_id")}, index=out.index)
    has_report = work["report"] != ""
    latest = work[has_report].groupby(["committee", "report"])["order"].transform("max")
    keep = pd.Series(True, index=out.index)
    keep[has_report] = work.loc[has_report, "order"] == latest
    kept = work[keep]
    # Within the latest version a TRAN_ID is unique; keep its last occurrence.
    dup = kept.duplicated(["committee", "report", "tran"], keep="last") & (kept["tran"] != "") & (kept["report"] != "")
    keep[dup[dup].index] = False
    return out[keep]


def dedupe_earmarks(df: pd.DataFrame, max_days: int = 10) -> pd.DataFrame:
    """Count an earmarked gift once (METHOD.md 6.5 step 2).

    A conduit's memo line (MEMO_CD X, memo text EARMARK/EARMK/ERMK) and the recipient's earmarked
    receipt (15E/15J/18J or an earmark memo text, not a memo) for the same normalized donor name,
    ZIP5 and amount, dated at most ``max_days`` apart, are one gift: the conduit memo is dropped and
    the recipient's line kept. Each line pairs at most once."""
    if df.empty:
        return df
    memo = _bool(df, "memo")
    memo_text = _code(df, "memo_text")
    tt = _code(df, "transaction_type")
    earmark_text = memo_text.str.contains(r"\b(?:EARMARK\w*|EARMK|ERMK)\b", regex=True)
    base = pd.DataFrame({"name": normalize_names(_text(df, "donor_name")),
                         "zip5": _text(df, "zip_code").str.strip().str[:5],
                         "amount": _amounts(df), "date": _dates(df)}, index=df.index)
    conduit = base[memo & earmark_text]
    recipient = base[~memo & (tt.isin(EARMARKED_TYPES) | earmark_text)]
    if conduit.empty or recipient.empty:
        return df
    pairs = conduit.reset_index(names="conduit_ix").merge(
        recipient.reset_index(names="recipient_ix"), on=["name", "zip5", "amount"], suffixes=("_c", "_r"))
    pairs["gap"] = (pairs["date_r"] - pairs["date_c"]).abs().dt.days
    pairs = pairs[pairs["gap"] <= max_days].sort_values("gap", kind="stable")
    pairs = pairs.drop_duplicates("conduit_ix").drop_duplicates("recipient_ix")
    return df.drop(index=pairs["conduit_ix"].unique())


# --- Step 3: refunds -----------------------------------------------------------------------------

def _refund_values(df: pd.DataFrame, kinds: pd.Series | None = None) -> pd.Series:
    """Money returned by each line, positive: FEC refunds are filed positive (a negative 22Y voids
    an earlier refund), California refunds are negative receipts."""
    tt = _code(df, "transaction_type")
    amount = _amounts(df)
    return amount.where(tt.isin(REFUND_TYPES), -amount)


def _donor_keys(df: pd.DataFrame) -> pd.Series:
    """Who gave: the donor committee id when filed (and not a person), else the normalized name."""
    committee = _code(df, "donor_committee_id")
    entity = _code(df, "donor_entity_type")
    use_committee = (committee != "") & ~entity.isin(PERSON_ENTITY_CODES)
    return ("C:" + committee).where(use_committee, "N:" + normalize_names(_text(df, "donor_name")))


def match_refunds(receipts: pd.DataFrame, refunds: pd.DataFrame) -> pd.DataFrame:
    """Match refund lines to the receipts they return (METHOD.md 6.5 step 3).

    Same donor (committee id, else normalized name) to the same recipient committee; receipts are
    refunded oldest first, each up to its amount (first-in first-out). Refunds of one donor on one
    day are netted first, so a refund and its voiding line cancel. Returns, on ``receipts``' index:
    ``refunded_cents``, ``net_cents`` (amount - refunded, never below 0), ``refunds`` (list of
    {amount_cents, date, source_line, contribution_id}) and ``last_refund_on`` (the date the receipt
    was refunded in full, or the last partial refund)."""
    result = pd.DataFrame(index=receipts.index)
    amount = _amounts(receipts)
    result["refunded_cents"] = 0
    result["net_cents"] = amount
    result["refunds"] = pd.Series([[] for _ in range(len(receipts))], index=receipts.index, dtype=object)
    result["last_refund_on"] = pd.NaT
    if receipts.empty or refunds.empty:
        return result
    rec = pd.DataFrame({"donor": _donor_keys(receipts), "cmte": _code(receipts, "recipient_committee_id"),
                        "amount": amount, "date": _dates(receipts)}, index=receipts.index)
    rec = rec[rec["amount"] > 0].reset_index(names="receipt_ix").sort_values(["donor", "cmte", "date", "receipt_ix"],
                                                                                 kind="stable")
    ref = pd.DataFrame({"donor": _donor_keys(refunds), "cmte": _code(refunds, "recipient_committee_id"),
                        "value": _refund_values(refunds), "date": _dates(refunds),
                        "line": _text(refunds, "source_line"), "refund_ix": refunds.index}, index=refunds.index)
    ref = (ref.groupby(["donor", "cmte", "date"], dropna=False, sort=True)
              .agg(value=("value", "sum"), line=("line", lambda s: ",".join(x for x in s if x)),
                   refund_ix=("refund_ix", "first"))
              .reset_index())
    ref = ref[ref["value"] > 0].sort_values(["donor", "cmte", "date"], kind="stable")
    if ref.empty or rec.empty:
        return result
    # Cumulative intervals per (donor, committee): a refund covers the receipts its interval overlaps.
    rec["end"] = rec.groupby(["donor", "cmte"])["amount"].cumsum()
    rec["start"] = rec["end"] - rec["amount"]
    ref["end"] = ref.groupby(["donor", "cmte"])["value"].cumsum()
    ref["start"] = ref["end"] - ref["value"]
    pairs = rec.merge(ref, on=["donor", "cmte"], suffixes=("", "_ref"))
    pairs["matched"] = (np.minimum(pairs["end"], pairs["end_ref"]) - np.maximum(pairs["start"], pairs["start_ref"])).clip(lower=0)
    pairs = pairs[pairs["matched"] > 0].sort_values(["receipt_ix", "date_ref"], kind="stable")
    if pairs.empty:
        return result
    pairs["entry"] = [
        {"amount_cents": int(m), "date": d.date().isoformat() if pd.notna(d) else None, "source_line": line or None,
         "contribution_id": _plain(ix)}
        for m, d, line, ix in zip(pairs["matched"], pairs["date_ref"], pairs["line"], pairs["refund_ix"])]
    grouped = pairs.groupby("receipt_ix")
    refunded = grouped["matched"].sum()
    result.loc[refunded.index, "refunded_cents"] = refunded.astype("int64")
    result["net_cents"] = (amount - result["refunded_cents"]).clip(lower=0)
    entries = grouped["entry"].agg(list)
    for ix, value in entries.items():  # one assignment per refunded receipt, not per contribution
        result.at[ix, "refunds"] = value
    result.loc[refunded.index, "last_refund_on"] = grouped["date_ref"].max()
    return result


def _plain(value):
    """numpy scalars -> Python, for JSON evidence."""
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- Step 4: classification ---------------------------------------------------------------------

def classify(contributions: pd.DataFrame, committees: pd.DataFrame | None = None,
             lists: MoneyLists | None = None) -> pd.DataFrame:
    """One donor class per contribution line (METHOD.md 6.5 step 4), first matching rule wins:

    1. FEC 15C: the candidate's own money -> ``candidate_self``.
    2. The donor committee found in ``committees`` by id (never for IND/CAN donors): ORG_TP
       C/W/T/V/M/L -> corporate/nonstock/trade association/cooperative/membership/labor PAC; else
       designation D leadership / B lobbyist PAC (kept as tags beside an ORG_TP class); else
       committee type X/Y/Z party, H/S/P candidate committee, O/U super PAC, other PAC types
       nonconnected. A joint fundraiser (designation J) is tagged ``jfc``: its memo attributions
       are classified on their own lines (look-through). Confidence ``confirmed``.
    3. The organization's lists: ``exceptions`` (never corporate) then ``known_corporate``.
    4. Individuals (IND): ``individual``, or ``review`` when the name ends with a legal suffix.
    5. Other donor codes: CAN candidate_self, CCM candidate committee, PTY party, SCC (California
       small contributor committee) nonconnected PAC; a PAC/COM not found in ``committees`` is a
       ``labor_pac`` when its name is a union's, else ``unknown``.
    6. Organizations (FEC ORG, CA OTH, or no code): union name -> ``labor_org``; final legal
       suffix -> ``business_entity``, or ``review`` when the name also says ASSOCIATION,
       FOUNDATION, SOCIETY, CHURCH, COUNCIL, COALITION or CLUB; else ``other_org`` (``unknown`` when
       there was no entity code at all). Confidence ``probable``.

    Returns a DataFrame on the same index with donor_class, tags, rule, confidence, evidence.
    Names match on whole tokens only ("CORPUZ, MARIA" has no CORP)."""
    lists = lists or MoneyLists()
    df = contributions
    index = df.index
    entity = _code(df, "donor_entity_type")
    tt = _code(df, "transaction_type")
    raw_name = _text(df, "donor_name")
    name = normalize_names(raw_name)
    donor_committee = _code(df, "donor_committee_id")
    occupation = normalize_names(_text(df, "occupation"))
    employer_raw = _text(df, "employer")
    employer = normalize_names(employer_raw)

    # Committee lookup: one merge, no per-row search.
    cm = _committee_frame(committees)
    looked_up = pd.DataFrame({"committee_id": donor_committee.where(~entity.isin(PERSON_ENTITY_CODES), "")},
                             index=index)
    found = looked_up.reset_index(names="_ix").merge(cm, on="committee_id", how="left").set_index("_ix").reindex(index)
    for column in ("committee_type", "designation", "org_type", "connected_org", "name"):
        found[column] = found[column].astype(object).where(found[column].notna(), "").astype(str)
    cm_tp = found["committee_type"].str.upper().str.strip()
    cm_dsgn = found["designation"].str.upper().str.strip()
    cm_org = found["org_type"].str.upper().str.strip()
    has_committee = (looked_up["committee_id"] != "") & ((cm_tp != "") | (cm_dsgn != "") | (cm_org != ""))

    has_suffix = name.str.contains(_LEGAL_SUFFIX_RE, regex=True).astype(bool)
    has_labor = name.str.contains(_LABOR_RE, regex=True).astype(bool)
    has_ambiguous = name.str.contains(_AMBIGUOUS_ORG_RE, regex=True).astype(bool)
    # The tokens that fired, for the evidence: extracted only on the (few) names that have one.
    suffix, labor, ambiguous = (_tokens(name, mask, pattern) for mask, pattern in (
        (has_suffix, _LEGAL_SUFFIX_TOKEN), (has_labor, _LABOR_TOKEN), (has_ambiguous, _AMBIGUOUS_ORG_TOKEN)))
    in_exceptions = name.isin(_name_set(lists.exceptions)) if lists.exceptions else pd.Series(False, index=index)
    in_known = name.isin(_name_set(lists.known_corporate)) if lists.known_corporate else pd.Series(False, index=index)
    is_ind = entity == "IND"
    is_org_code = entity.isin(("ORG", "OTH"))
    org_like = is_org_code | (entity == "")

    org_class = cm_org.map(ORG_TYPE_CLASSES).fillna("")
    dsgn_class = cm_dsgn.map(DESIGNATION_CLASSES).fillna("")
    tp_class = cm_tp.map(COMMITTEE_TYPE_CLASSES).fillna("").where(cm_tp != "", "")
    tp_class = tp_class.where((tp_class != "") | (cm_tp == ""), "nonconnected_pac")

    rules = [  # (condition, donor_class, rule id, confidence) -- first match wins
        (tt.isin(CANDIDATE_SELF_TYPES), "candidate_self", "transaction.15C", "confirmed"),
        (has_committee & (org_class != ""), org_class, "committee.org_tp." + cm_org, "confirmed"),
        (has_committee & (dsgn_class != ""), dsgn_class, "committee.dsgn." + cm_dsgn, "confirmed"),
        (has_committee & (cm_dsgn == "J"), tp_class.where(tp_class != "", "nonconnected_pac"), "committee.dsgn.J",
         "confirmed"),
        (has_committee & (tp_class != ""), tp_class, "committee.cmte_tp." + cm_tp, "confirmed"),
        (in_exceptions, np.where(is_ind, "individual", "other_org"), "list.exception", "confirmed"),
        (in_known, "business_entity", "list.known_corporate", "confirmed"),
        (is_ind & has_suffix, "review", "conflict.ind_legal_suffix", "review"),
        (is_ind, "individual", "entity.IND", "confirmed"),
        (entity == "CAN", "candidate_self", "entity.CAN", "confirmed"),
        (entity == "CCM", "candidate_committee", "entity.CCM", "confirmed"),
        (entity == "PTY", "party", "entity.PTY", "confirmed"),
        (entity == "SCC", "nonconnected_pac", "entity.SCC", "confirmed"),
        (entity.isin(("PAC", "COM")) & has_labor, "labor_pac", "name.labor", "probable"),
        (entity.isin(("PAC", "COM")), "unknown", "committee.not_found", "review"),
        (org_like & has_labor, "labor_org", "name.labor", "probable"),
        (org_like & has_suffix & has_ambiguous, "review", "name.legal_suffix_ambiguous", "review"),
        (org_like & has_suffix, "business_entity", "name.legal_suffix", "probable"),
        (is_org_code, "other_org", "name.no_legal_suffix", "probable"),
    ]
    conditions = [np.asarray(c, dtype=bool) for c, *_ in rules]
    donor_class = np.select(conditions, [_choice(v) for _, v, _, _ in rules], default="unknown").astype(object)
    rule = np.select(conditions, [_choice(v) for _, _, v, _ in rules], default="none").astype(object)
    confidence = np.select(conditions, [_choice(v) for *_, v in rules], default="review").astype(object)

    # Tags: facts kept beside the class.
    placeholder = employer.isin(EMPLOYER_PLACEHOLDERS)
    executive = (is_ind | (entity == "")) & occupation.str.contains(_EXECUTIVE_RE, regex=True).astype(bool) & ~placeholder
    lobbyist = occupation.str.contains(r"\bLOBBYIST\b", regex=True).astype(bool)
    if lists.lobbyists:
        lobbyist = lobbyist | name.isin(_name_set(lists.lobbyists))
    employer_match = company_matches(employer_raw, lists.company_list) & ~placeholder
    company_pac = has_committee & company_matches(found["connected_org"], lists.company_list)
    tag_columns = {
        "executive": executive, "employer_match": employer_match, "company_pac": company_pac,
        "leadership": has_committee & (cm_dsgn == "D"), "lobbyist": lobbyist | (has_committee & (cm_dsgn == "B")),
        "jfc": has_committee & (cm_dsgn == "J"), "ie_only": has_committee & cm_tp.isin(("O", "U")),
    }
    tags = pd.Series("", index=index, dtype="str")
    for tag, mask in tag_columns.items():
        mask = np.asarray(mask, dtype=bool)
        tags = tags.where(~mask, tags + ("," + tag))
    tags = tags.str.lstrip(",").astype(object)

    out = pd.DataFrame({"donor_class": donor_class, "tags": tags.values, "rule": rule, "confidence": confidence},
                       index=index)
    assert out["donor_class"].isin(DONOR_CLASSES).all(), "classify produced a class outside DONOR_CLASSES"
    out["evidence"] = _classification_evidence(out, has_committee, found, suffix, labor, ambiguous, entity, tt,
                                               donor_committee).tolist()
    return out


def _tokens(name: pd.Series, mask: pd.Series, pattern: str) -> pd.Series:
    tokens = pd.Series("", index=name.index, dtype=object)
    if mask.any():
        tokens[mask] = name[mask].str.extract(pattern, expand=False).fillna("").astype(object)
    return tokens


def _choice(value):
    """np.select choice: a column as an object array, a scalar as itself (numpy broadcasts it)."""
    if isinstance(value, (pd.Series, np.ndarray)):
        return np.asarray(value, dtype=object)
    return value


def _committee_frame(committees: pd.DataFrame | None) -> pd.DataFrame:
    if committees is None or committees.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COMMITTEE_COLUMNS})
    cm = pd.DataFrame({c: _text(committees, c) for c in COMMITTEE_COLUMNS})
    cm["committee_id"] = cm["committee_id"].str.strip().str.upper()
    return cm.drop_duplicates("committee_id", keep="last")


def _classification_evidence(out, has_committee, found, suffix, labor, ambiguous, entity, tt,
                             donor_committee) -> np.ndarray:
    """One evidence dict per line: rule, rule-set version, the codes as filed, and the committee row
    or the name tokens that decided. The name, employer and occupation as filed stay on the
    contribution row itself. Dicts are built once per distinct combination (lines that share one
    share the same dict object, so treat them as read-only) and spread back by group number."""
    uses_committee = np.asarray(has_committee, dtype=bool) & out["rule"].str.startswith("committee.").to_numpy(bool)
    uses_tokens = out["rule"].str.startswith(("name.", "conflict.", "list.")).to_numpy(bool)
    columns = {
        "rule": out["rule"], "donor_class": out["donor_class"], "confidence": out["confidence"], "tags": out["tags"],
        "entity": entity, "tt": tt, "dcm": donor_committee,
        **{c: found[c].where(uses_committee, "") for c in ("committee_id", "name", "committee_type", "designation",
                                                            "org_type", "connected_org")},
        "suffix": suffix.where(uses_tokens, ""), "labor": labor.where(uses_tokens, ""),
        "ambiguous": ambiguous.where(uses_tokens, "")}
    # Integer codes per column, then one group number per distinct combination: far cheaper than a
    # groupby on fifteen string columns. Committee fields follow from committee_id, so it stands
    # for them in the key.
    key_columns = ("rule", "donor_class", "confidence", "tags", "entity", "tt", "dcm", "committee_id", "suffix",
                   "labor", "ambiguous")
    codes = pd.DataFrame({k: pd.factorize(pd.Series(columns[k], index=out.index))[0] for k in key_columns})
    group = codes.groupby(list(key_columns), sort=False).ngroup().to_numpy()
    _, first_rows = np.unique(group, return_index=True)
    uniques = pd.DataFrame({k: np.asarray(pd.Series(v, index=out.index).astype(object))[first_rows]
                            for k, v in columns.items()})
    dicts = np.empty(len(uniques), dtype=object)
    for i, row in enumerate(uniques.itertuples(index=False)):
        item = {"rule": row.rule, "ruleset": RULESET_VERSION, "donor_class": row.donor_class,
                "confidence": row.confidence,
                "filed": {"entity_type": row.entity, "transaction_type": row.tt, "donor_committee_id": row.dcm}}
        if row.tags:
            item["tags"] = row.tags.split(",")
        if row.committee_id:
            item["committee"] = {"CMTE_ID": row.committee_id, "CMTE_NM": row.name, "CMTE_TP": row.committee_type,
                                 "CMTE_DSGN": row.designation, "ORG_TP": row.org_type,
                                 "CONNECTED_ORG_NM": row.connected_org}
        if row.rule.startswith(("name.", "conflict.", "list.")):
            item["tokens"] = {"legal_suffix": row.suffix or None, "labor": row.labor or None,
                              "ambiguous_word": row.ambiguous or None}
        dicts[i] = item
    return dicts[group]


def class_report(df: pd.DataFrame) -> pd.DataFrame:
    """How many lines and how much money fell into each class, and which rule decided them.

    ``df`` holds ``donor_class`` and ``rule`` (classify's output, joined to the contributions for
    ``amount_cents``; memo lines are counted as lines but not as cash). Columns: donor_class, rule,
    confidence, count, amount_cents, cash_cents; sorted by class, then money."""
    work = pd.DataFrame({"donor_class": _text(df, "donor_class"), "rule": _text(df, "rule"),
                         "confidence": _text(df, "confidence"), "amount_cents": _amounts(df)}, index=df.index)
    work["cash_cents"] = work["amount_cents"].where(~_bool(df, "memo"), 0)
    report = (work.groupby(["donor_class", "rule", "confidence"], sort=False)
                  .agg(count=("amount_cents", "size"), amount_cents=("amount_cents", "sum"),
                       cash_cents=("cash_cents", "sum"))
                  .reset_index())
    order = {klass: i for i, klass in enumerate(DONOR_CLASSES)}
    report["_order"] = report["donor_class"].map(order).fillna(len(order))
    return report.sort_values(["_order", "amount_cents"], ascending=[True, False]).drop(columns="_order").reset_index(
        drop=True)


# --- Steps 5 and 6: pledge clauses --------------------------------------------------------------

# Contribution columns copied into a flag's evidence, as filed (METHOD.md 6.7), when present.
EVIDENCE_FIELDS = ("source", "source_file", "source_line", "filing_id", "amendment_indicator", "report_type",
                   "transaction_type", "tran_id", "sub_id", "image_num", "recipient_committee_id", "donor_name",
                   "donor_entity_type", "donor_committee_id", "employer", "occupation", "city", "state", "zip_code",
                   "amount_cents", "received_on", "memo", "memo_text", "raw_sha256", "retrieved_url", "retrieved_at")
FEC_IMAGE_URL = "https://docquery.fec.gov/cgi-bin/fecimg/?{image_num}"


def clause_params(kind: str, params: dict | None) -> dict:
    """The clause's parameters: METHOD.md defaults overridden by the pledge's own."""
    if kind not in CLAUSE_DEFAULTS:
        raise ValueError(f"unknown money clause {kind!r}; expected one of {', '.join(CLAUSE_DEFAULTS)}")
    merged = {**CLAUSE_DEFAULTS[kind], **(params or {})}
    if merged.get("comparator") not in (None, "gt", "gte"):
        raise ValueError(f"comparator must be 'gt' or 'gte', not {merged['comparator']!r}")
    if merged.get("aggregation") not in (None, "per_donor_cycle", "per_contribution"):
        raise ValueError(f"aggregation must be 'per_donor_cycle' or 'per_contribution', not {merged['aggregation']!r}")
    return merged


def _signed_on(signed_at) -> pd.Timestamp:
    if isinstance(signed_at, datetime):
        return pd.Timestamp(signed_at.date())
    if isinstance(signed_at, date):
        return pd.Timestamp(signed_at)
    return pd.Timestamp(pd.to_datetime(signed_at).date())


def _has_tag(tags: pd.Series, tag: str) -> pd.Series:
    return ("," + tags.astype(object).where(tags.notna(), "").astype(str) + ",").str.contains("," + tag + ",",
                                                                                              regex=False)


def evaluate_clause(kind: str, params: dict | None, contributions: pd.DataFrame, classified: pd.DataFrame,
                    signed_at) -> pd.DataFrame:
    """A money clause's verdict on a candidate's contributions (METHOD.md 6.5 steps 5-6).

    ``contributions``: the lines of the candidate's committees (an ``id`` column, else the index, is
    the contribution id); ``classified``: ``classify``'s output on the same index. Independent
    expenditures never enter; memo lines enter attribution (JFC look-through) but are never refunded
    cash; refunds are matched first-in first-out (``match_refunds``). Returns one row per flagged
    receipt: contribution_id, status (violation / cured / late_cure / pre_pledge / under_review /
    warning), amount_cents, net_cents, refunds, evidence (METHOD.md 6.7), donor_class, rule, reason.

    Statuses: would-be violations before the signing date are ``pre_pledge`` (earlier warnings and
    review cases are not listed); class ``review`` is only ever
    ``under_review``; a violating receipt with money left after refunds is a ``violation`` (on the
    net amount); fully refunded within ``cure_days`` of receipt it is ``cured``, later ``late_cure``."""
    params = clause_params(kind, params)
    df = contributions
    if df.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    cls = classified.reindex(df.index)
    klass = _text(cls, "donor_class")
    tags = _text(cls, "tags")
    kinds = (df["receipt_kind"].astype(object).where(df["receipt_kind"].notna(), "")
             if "receipt_kind" in df.columns else receipt_kinds(df))
    kinds = kinds.where(kinds != "", receipt_kinds(df))
    memo = _bool(df, "memo")
    received_kind = kinds.isin(("receipt", "in_kind"))
    is_receipt = received_kind & (_amounts(df) > 0)
    # A negative line stored as a receipt still returns money (a loader may not have set its kind).
    is_refund = (kinds == "refund") | (received_kind & (_amounts(df) < 0))
    matched = match_refunds(df[is_receipt & ~memo], df[is_refund]).reindex(df.index)
    amount = _amounts(df)
    matched["net_cents"] = matched["net_cents"].fillna(amount).astype("int64")
    matched["refunded_cents"] = matched["refunded_cents"].fillna(0).astype("int64")
    received = _dates(df)
    pre = received < _signed_on(signed_at)
    cure_days = int(params.get("cure_days", 30))

    if kind == "no_fossil_fuel_money":
        return _evaluate_fossil(params, df, cls, klass, tags, is_receipt, matched, amount, received, pre, cure_days)

    review = is_receipt & (klass == "review")
    if kind == "no_corporate_pac":
        violation = is_receipt & klass.isin(CORPORATE_PAC_CLASSES)
        warning = is_receipt & klass.isin(CORPORATE_ADJACENT_CLASSES)
        warning_reason = "corporate_adjacent"
    else:  # no_corporate_money
        executive = is_receipt & (klass == "individual") & _has_tag(tags, "executive")
        violation = is_receipt & klass.isin(CORPORATE_MONEY_CLASSES)
        if params.get("include_executives"):
            violation, warning = violation | executive, pd.Series(False, index=df.index)
        else:
            warning = executive
        warning_reason = "executive"
    # Before the signing date only would-be violations are listed (as pre_pledge): warnings and
    # review cases about money the pledge never covered would only be noise.
    flagged = violation | ((warning | review) & ~pre)
    if not flagged.any():
        return pd.DataFrame(columns=FLAG_COLUMNS)
    net = matched["net_cents"]
    days_to_refund = (pd.to_datetime(matched["last_refund_on"]) - received).dt.days
    status = np.select(
        [pre, review, warning, net > 0, days_to_refund <= cure_days],
        ["pre_pledge", "under_review", "warning", "violation", "cured"], default="late_cure")
    reason = np.select([pre, review, warning], ["before_signing", "classification_review", warning_reason],
                       default=klass.to_numpy(object))
    frame = pd.DataFrame({"status": status, "reason": reason, "amount_cents": amount, "net_cents": net,
                          "days_to_refund": days_to_refund}, index=df.index)[flagged]
    return _flag_rows(kind, params, df, cls, frame, matched)


def _evaluate_fossil(params, df, cls, klass, tags, is_receipt, matched, amount, received, pre, cure_days):
    """no_fossil_fuel_money: PACs of listed companies, and executives/lobbyists (all employees with
    ``include_employees``) of listed companies, over the threshold per donor and cycle."""
    employer_match = _has_tag(tags, "employer_match")
    person = klass.isin(("individual", "review"))
    insider = _has_tag(tags, "executive") | _has_tag(tags, "lobbyist")
    if params.get("include_employees"):
        insider = pd.Series(True, index=df.index)
    donor = is_receipt & (_has_tag(tags, "company_pac") | (person & employer_match & insider))
    if not donor.any():
        return pd.DataFrame(columns=FLAG_COLUMNS)
    threshold = round(float(params.get("threshold", 200)) * 100)
    over = (lambda total: total >= threshold) if params.get("comparator") == "gte" else (lambda total: total > threshold)
    work = pd.DataFrame({"donor": _donor_keys(df), "cycle": election_cycle(received), "period": pre,
                         "date": received, "amount": amount, "net": matched["net_cents"],
                         "last_refund": pd.to_datetime(matched["last_refund_on"])}, index=df.index)[donor]
    if params.get("aggregation") == "per_contribution":
        work["group"] = np.arange(len(work))
    else:
        work["group"] = work.groupby(["donor", "cycle", "period"], dropna=False, sort=False).ngroup()
    work = work.sort_values(["group", "date"], kind="stable")
    work["running"] = work.groupby("group")["amount"].cumsum()
    crossing = over(work["running"])
    work = work[crossing.groupby(work["group"]).cumsum().astype(bool) | crossing]
    if work.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    anchors = work.groupby("group").head(1)  # the receipt at which the aggregate first crosses
    # The donor's whole aggregate (receipts before the crossing count too) and its refunds.
    full = pd.DataFrame({"donor": _donor_keys(df), "cycle": election_cycle(received), "period": pre,
                         "amount": amount, "net": matched["net_cents"],
                         "last_refund": pd.to_datetime(matched["last_refund_on"])}, index=df.index)[donor]
    if params.get("aggregation") == "per_contribution":
        full = full.loc[anchors.index]
        full["anchor"] = full.index
    else:
        key = anchors[["donor", "cycle", "period"]].assign(anchor=anchors.index)
        full = full.reset_index(names="_ix").merge(key, on=["donor", "cycle", "period"]).set_index("_ix")
    agg = full.groupby("anchor").agg(amount=("amount", "sum"), net=("net", "sum"), last_refund=("last_refund", "max"))
    anchor_index = agg.index
    a_pre = pre.loc[anchor_index].to_numpy(bool)
    a_net = agg["net"].to_numpy()
    days = (agg["last_refund"] - received.loc[anchor_index].to_numpy()).dt.days.to_numpy()
    still_over = over(pd.Series(a_net, index=anchor_index)).to_numpy(bool)
    status = np.select([a_pre, still_over, days <= cure_days], ["pre_pledge", "violation", "cured"], default="late_cure")
    reason = np.where(_has_tag(tags, "company_pac").loc[anchor_index].to_numpy(bool), "company_pac",
                      "company_insider")
    frame = pd.DataFrame({"status": status, "reason": reason, "amount_cents": agg["amount"].to_numpy(),
                          "net_cents": a_net, "days_to_refund": days}, index=anchor_index)
    frame["aggregate_of"] = full.groupby("anchor").apply(lambda g: [_plain(i) for i in g.index]).reindex(anchor_index)
    return _flag_rows("no_fossil_fuel_money", params, df, cls, frame, matched)


def _flag_rows(kind, params, df, cls, frame, matched) -> pd.DataFrame:
    """Attach the refunds and the METHOD.md 6.7 evidence to each flagged receipt (few rows)."""
    ids = df["id"] if "id" in df.columns else pd.Series(df.index, index=df.index)
    fields = [f for f in EVIDENCE_FIELDS if f in df.columns]
    filed = df.loc[frame.index, fields]
    rows = []
    for ix, flag in frame.iterrows():
        line = {f: _json_value(filed.at[ix, f]) for f in fields}
        if line.get("image_num"):
            line["pdf_url"] = FEC_IMAGE_URL.format(image_num=line["image_num"])
        refunds = list(matched.at[ix, "refunds"]) if isinstance(matched.at[ix, "refunds"], list) else []
        if "aggregate_of" in frame.columns:  # an aggregate flag carries the refunds of all its receipts
            refunds = [r for i in flag["aggregate_of"] for r in (matched.at[i, "refunds"] or [])]
        classification = cls.at[ix, "evidence"] if "evidence" in cls.columns else None
        days = flag.get("days_to_refund")
        evidence = {
            "filed": line,
            "classification": dict(classification) if isinstance(classification, dict) else None,
            "rule": _json_value(cls.at[ix, "rule"]) if "rule" in cls.columns else None,
            "ruleset": RULESET_VERSION,
            "confidence": _json_value(cls.at[ix, "confidence"]) if "confidence" in cls.columns else None,
            "clause": {"kind": kind, "params": {k: (sorted(v) if isinstance(v, (set, list, tuple)) else v)
                                                for k, v in params.items()}},
            "status": flag["status"], "reason": flag["reason"],
            "amount_cents": int(flag["amount_cents"]), "net_cents": int(flag["net_cents"]),
            "refunds": refunds,
            "days_to_refund": None if days is None or pd.isna(days) else int(days),
        }
        if "aggregate_of" in frame.columns:
            evidence["aggregate_of"] = flag["aggregate_of"]
        rows.append({"contribution_id": _plain(ids.at[ix]), "status": flag["status"],
                     "amount_cents": int(flag["amount_cents"]), "net_cents": int(flag["net_cents"]),
                     "refunds": refunds, "evidence": evidence,
                     "donor_class": _json_value(cls.at[ix, "donor_class"]) if "donor_class" in cls.columns else None,
                     "rule": _json_value(cls.at[ix, "rule"]) if "rule" in cls.columns else None,
                     "reason": flag["reason"]})
    return pd.DataFrame(rows, columns=FLAG_COLUMNS, index=frame.index)


def _json_value(value):
    """A cell made JSON-safe: NaN/NaT -> None, timestamps/dates -> ISO text, numpy -> Python."""
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        return value
    if pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return _plain(value)


# --- The rules in words (for the pages: a reader should not need the rule ids) -------------------

DONOR_CLASS_WORDS = {
    "individual": "an individual", "candidate_self": "the candidate's own money",
    "corporate_pac": "a corporate PAC, a political action committee connected to a corporation",
    "corp_nonstock_pac": "a PAC of a non-stock corporation", "trade_assoc_pac": "a trade association's PAC",
    "cooperative_pac": "a cooperative's PAC", "membership_pac": "a membership organization's PAC",
    "labor_pac": "a labor union's PAC", "leadership_pac": "a politician's leadership PAC",
    "lobbyist_pac": "a lobbyist's or registrant's PAC", "party": "a party committee",
    "candidate_committee": "another candidate's committee", "super_pac": "a super PAC",
    "nonconnected_pac": "a PAC not connected to any company or union", "business_entity": "a business",
    "labor_org": "a labor organization", "other_org": "an organization that is not a business",
    "review": "a donor whose class a person must check", "unknown": "a donor not yet classified",
}
_CODE_RULE_WORDS = {
    "committee.org_tp": "the donor committee's registration gives organization type {code}",
    "committee.dsgn": "the donor committee's registration gives designation {code}",
    "committee.cmte_tp": "the donor committee's registration gives committee type {code}",
    "entity": "the filing lists the donor with entity code {code}",
    "transaction": "the filing lists the line as transaction type {code}",
}
RULE_WORDS = {
    "list.exception": "the donor is on the organization's list of exceptions",
    "list.known_corporate": "the donor is on the organization's list of known corporations",
    "conflict.ind_legal_suffix": ("the filing lists the donor as an individual, but the name ends like a company's, "
                                  "so a person must check"),
    "name.labor": "the donor's name contains a union word such as UNION, LOCAL 123 or SEIU",
    "name.legal_suffix": "the donor's name ends with a company suffix such as INC, LLC or CORP",
    "name.legal_suffix_ambiguous": ("the donor's name ends with a company suffix but also says ASSOCIATION, "
                                    "FOUNDATION or the like, so a person must check"),
    "name.no_legal_suffix": "the filing lists an organization whose name has no company suffix",
    "committee.not_found": "the filing lists a committee that is not in the imported committee files",
}
FLAG_REASON_WORDS = {
    "executive": "a company executive, by the title filed",
    "company_insider": "an executive or lobbyist of a company on the organization's fossil-fuel list, by the "
                       "title and employer filed",
    "company_pac": "a PAC connected to a company on the organization's fossil-fuel list",
    "corporate_adjacent": "comes from a donor close to corporations without being a corporate PAC, a warning under this clause",
    "before_signing": "was received before the pledge was signed, so it breaks nothing",
    "classification_review": "has a donor whose class is not settled yet; a person must check it before it can count",
}


def rule_words(rule: str | None) -> str:
    """A classification rule id in plain words: "committee.org_tp.C" -> "the donor committee's
    registration gives organization type C"; an unknown id is returned as it is."""
    if not rule:
        return "no rule has classified this receipt yet"
    if rule in RULE_WORDS:
        return RULE_WORDS[rule]
    prefix, _, code = rule.rpartition(".")
    if prefix in _CODE_RULE_WORDS:
        return _CODE_RULE_WORDS[prefix].format(code=code)
    return rule


def flag_reason(evidence: dict | None, donor: dict | None = None) -> str:
    """Why a receipt is flagged, in one sentence a reader can check against the filing.

    ``evidence`` is the flag's evidence (``evaluate_clause``: reason, rule, the filed line);
    ``donor`` gives the contribution's own fields (donor_class, rule, employer, occupation) where
    the evidence lacks them. An individual's employer and occupation are quoted as filed."""
    evidence, donor = evidence or {}, donor or {}
    filed = evidence.get("filed") or {}

    def field(name):
        value = filed.get(name) or donor.get(name)
        return " ".join(str(value).split()) if value else ""

    donor_class = ((evidence.get("classification") or {}).get("donor_class") or evidence.get("donor_class")
                   or donor.get("donor_class"))
    reason = evidence.get("reason")
    rule = evidence.get("rule") or donor.get("rule")
    if reason in ("executive", "company_insider", "company_pac"):
        sentence = f"The donor is {FLAG_REASON_WORDS[reason]}"
    elif reason in DONOR_CLASS_WORDS:
        sentence = f"The donor is {DONOR_CLASS_WORDS[reason]}"
    elif reason in FLAG_REASON_WORDS:
        sentence = f"This receipt {FLAG_REASON_WORDS[reason]}"
        if donor_class not in (None, "review", "unknown"):
            sentence += f"; the donor is {DONOR_CLASS_WORDS.get(donor_class, donor_class)}"
    else:
        sentence = f"The donor is {DONOR_CLASS_WORDS.get(donor_class, 'not yet classified')}"
    employer, occupation = field("employer"), field("occupation")
    if (donor_class in ("individual", "review") or reason in ("executive", "company_insider")) \
            and (employer or occupation):
        job = f"{occupation or 'no occupation given'} at {employer or 'no employer given'}"
        sentence += f": {job}" if reason in ("executive", "company_insider") else f". Filed as {job}"
    if rule:
        sentence += f". Rule: {rule_words(rule)}"
    return sentence + "."
