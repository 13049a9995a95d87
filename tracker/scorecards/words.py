"""The scorecards' codes (vote positions, outcomes, statuses, donor classes) in the reader's
language. The pure cores keep their English codes; this view-layer table words them at render
time, so it must be called inside a request (or an app context)."""
import re
from functools import lru_cache

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _


def _words() -> dict[str, str]:
    return _words_in(str(get_locale()))


def _donor_classes() -> dict[str, str]:
    return _donor_classes_in(str(get_locale()))


# One table per language, built on first use: a table row calls score_word for each of its codes,
# and building the table (about 50 catalogue lookups) per call cost 0.26 ms, 0.1 s on a roll call
# of 435 votes. The argument only keys the cache: the lookups read the current locale, which it names.
@lru_cache(maxsize=8)
def _words_in(language: str) -> dict[str, str]:
    return {
        # Vote positions (imports/vote_options.POSITIONS).
        "yes": _("yes"), "no": _("no"), "abstain": _("abstain"), "present": _("present"),
        "recused": _("recused"), "paired": _("paired"), "not_voting": _("not voting"), "absent": _("absent"),
        "excused": _("excused"), "not_eligible": _("not eligible"), "unknown": _("unknown"),
        # What a vote counts as (tracker/scoring.OUTCOMES).
        "agree": _("agree"), "disagree": _("disagree"), "missed": _("missed"), "excluded": _("excluded"),
        # Alignment statuses.
        "proposed": _("proposed"), "approved": _("approved"), "rejected": _("rejected"),
        # Pledge statuses.
        "pending": _("pending"), "signed": _("signed"), "broken": _("broken"), "withdrawn": _("withdrawn"),
        # Money flag statuses.
        "violation": _("violation"), "cured": _("cured"), "late_cure": _("late cure"),
        "pre_pledge": _("pre-pledge"), "under_review": _("under review"), "warning": _("warning"),
        # Pledge clause kinds (as flagged).
        "plank_support": _("plank support"), "no_corporate_pac": _("no corporate pac"),
        "no_corporate_money": _("no corporate money"), "no_fossil_fuel_money": _("no fossil fuel money"),
        # Questionnaire stances.
        "support": _("support"), "oppose": _("oppose"), "partial": _("partly"), "no_answer": _("no answer"),
        # Excusal reasons (tracker/services/alignments.EXCUSAL_REASONS).
        "family": _("family"), "medical": _("medical"), "disaster": _("disaster"), "other": _("other"),
        # Plank tiers.
        "minimum": _("minimum"), "maximum": _("maximum"),
    }


@lru_cache(maxsize=8)
def _donor_classes_in(language: str) -> dict[str, str]:
    return {
        "individual": _("individual"), "candidate_self": _("candidate self"),
        "corporate_pac": _("corporate pac"), "corp_nonstock_pac": _("corp nonstock pac"),
        "trade_assoc_pac": _("trade assoc pac"), "cooperative_pac": _("cooperative pac"),
        "membership_pac": _("membership pac"), "labor_pac": _("labor pac"), "leadership_pac": _("leadership pac"),
        "lobbyist_pac": _("lobbyist pac"), "party": _("party"), "candidate_committee": _("candidate committee"),
        "super_pac": _("super pac"), "nonconnected_pac": _("nonconnected pac"),
        "business_entity": _("business entity"), "labor_org": _("labor org"), "other_org": _("other org"),
        "review": _("review"), "unknown": _("unknown"), "not yet classified": _("not yet classified"),
    }


def score_word(code) -> str:
    """A position, outcome or status code in the reader's language; the English word is the code
    with underscores as spaces (what the pages showed before), and an unknown code shows as is."""
    if code is None:
        return ""
    return _words().get(code, str(code).replace("_", " "))


def donor_class_word(code) -> str:
    """A donor class in the reader's language (English: the code with underscores as spaces)."""
    if code is None:
        return ""
    return _donor_classes().get(code, str(code).replace("_", " "))


def official_captions(data: dict, name: str) -> None:
    """Word the captions of an official's page tables in the reader's language (the page only:
    downloads keep queries' English captions)."""
    data["plank_table"].caption = _("%(name)s: score on each plank (all years)", name=name)
    data["year_table"].caption = _("%(name)s: overall score by year", name=name)
    data["roll_call_table"].caption = _("Every roll call behind %(name)s's overall score", name=name)
    data["money"].caption = _("Money received by %(name)s's committees, by donor class", name=name)
    data["flags"].caption = _("Pledge flags on money received by %(name)s", name=name)


def sort_labels(sorts: dict) -> dict[str, str]:
    """The index's sort choices (queries.SORTS, English labels) in the reader's language."""
    words = {"name": _("Name"), "score": _("Score"), "corporate": _("Corporate money"), "pledge": _("Pledge")}
    return {key: words.get(key, label) for key, label in sorts.items()}


# --- the scoring core's sentences, worded again in the reader's language ------------------------
# tracker/scoring.py and services/scores.py write their explanations in English (pure cores, no
# Flask). The page rewords them here; English pages keep the core's own text untouched.

def _is_english() -> bool:
    from tracker.i18n import DEFAULT_LANGUAGE, current_language
    return current_language() == DEFAULT_LANGUAGE


def describe_rules(options) -> list[str]:
    """ScoringOptions.describe() in the reader's language (same sentences, same order)."""
    if _is_english():
        return options.describe()
    positions = ", ".join(score_word(p) for p in sorted(options.counted_against))
    policy = {"exclude": _("Absences are left out of the score."),
              "count_against": _("These positions count as votes against the program: %(positions)s.",
                                 positions=positions),
              "half_credit": _("These positions earn half the vote's weight: %(positions)s.",
                               positions=positions)}[options.absence_policy]
    return [policy,
            _("An absence excused by the committee never counts against anyone."),
            _("A score needs at least %(least)s counted roll calls.", least=options.min_counted_votes),
            _("Overall score: all scored votes pooled (each roll call once).") if options.overall_mode == "pooled"
            else _("Overall score: the average of the plank scores that have enough votes."),
            _("A vote is crucial when %(swing)s or fewer members switching sides would flip it.",
              swing=options.crucial_swing_max)]


def vote_reason(text) -> str:
    """Why a vote counts as it does (the scoring core's reason text) in the reader's language."""
    if not text or _is_english():
        return text or ""
    fixed = {
        "its planks disagree on the pro position: left out of the overall score":
            _("its planks disagree on the pro position: left out of the overall score"),
        "voted the pro position": _("voted the pro position"),
        "voted against the pro position": _("voted against the pro position"),
        "absence excused by the committee: never counts against":
            _("absence excused by the committee: never counts against"),
    }
    if text in fixed:
        return fixed[text]
    described = {
        "yes": _("yes"), "no": _("no"), "present: declined to take a side": _("present: declined to take a side"),
        "abstained": _("abstained"), "recused": _("recused"), "paired (live pair)": _("paired (live pair)"),
        "did not vote": _("did not vote"), "absent": _("absent"), "excused (as recorded)": _("excused (as recorded)"),
        "not seated": _("not seated"),
        "unrecognised label: sent for data review, never guessed":
            _("unrecognised label: sent for data review, never guessed"),
        "seated but not on the roll (treated as absent)": _("seated but not on the roll (treated as absent)"),
    }
    suffixes = {": half credit under this rule set": _(": half credit under this rule set"),
                ": counts against under this rule set": _(": counts against under this rule set"),
                ": left out under this rule set": _(": left out under this rule set")}
    for suffix, worded in suffixes.items():
        if text.endswith(suffix):
            head = text[: -len(suffix)]
            return described.get(head, head) + worded
    return text


_TOO_FEW = re.compile(r"Only (\d+) counted roll calls?: too few for a score \(this rule set needs (\d+)\)\.")
_TOO_FEW_ON_PLANK = re.compile(r"Only (\d+) counted roll calls? on this plank: too few for a score\.")
_ALSO_ALIGNED = ("The roll calls on this plank are also aligned to other planks with a different position or weight; "
                 "open each roll call's page for its alignments.")


def score_message(text) -> str:
    """A score explanation's note (too few votes; rows that do not add up) in the reader's language."""
    if not text or _is_english():
        return text or ""
    text = _TOO_FEW.sub(lambda m: ngettext(
        "Only %(num)d counted roll call: too few for a score (this rule set needs %(least)s).",
        "Only %(num)d counted roll calls: too few for a score (this rule set needs %(least)s).",
        int(m[1]), least=m[2]), text)
    text = _TOO_FEW_ON_PLANK.sub(lambda m: ngettext(
        "Only %(num)d counted roll call on this plank: too few for a score.",
        "Only %(num)d counted roll calls on this plank: too few for a score.", int(m[1])), text)
    return text.replace(_ALSO_ALIGNED, _("The roll calls on this plank are also aligned to other planks with a "
                                         "different position or weight; open each roll call's page for its "
                                         "alignments."))


def explained_in_language(explained: dict | None, options) -> dict | None:
    """A copy of a score explanation with its rules and note in the reader's language (the
    explanation itself is cached across requests, so it is never changed in place)."""
    if not explained or _is_english():
        return explained
    return {**explained, "rules": describe_rules(options), "message": score_message(explained.get("message"))}


def needs_rewording() -> bool:
    """True when the reader's language is not the cores' (English)."""
    return not _is_english()
