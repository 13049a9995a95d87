"""The scorecards' codes (vote positions, outcomes, statuses, donor classes) in the reader's
language. The pure cores keep their English codes; this view-layer table words them at render
time, so it must be called inside a request (or an app context)."""
from flask_babel import gettext as _


def _words() -> dict[str, str]:
    # Built per call so each message is translated into the current request's language.
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


def _donor_classes() -> dict[str, str]:
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


def proposal_status_word(code) -> str:
    """A program proposal's status in the reader's language (English: underscores as spaces)."""
    words = {"open": _("open"), "on_ballot": _("on ballot"), "passed": _("passed"), "adopted": _("adopted"),
             "rejected": _("rejected"), "withdrawn": _("withdrawn")}
    return words.get(code, str(code).replace("_", " "))


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
