"""The candidates area's stored codes (endorsement decisions, pledge statuses, questionnaire answers)
in the reader's language. The stored values stay English; templates call these globals."""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker import money
from tracker.i18n import current_language, day, dollars


def decision_name(decision: str) -> str:
    return {"pending": _("pending"), "endorsed": _("endorsed"), "declined": _("declined"),
            "withdrawn": _("withdrawn")}.get(decision, decision)


def answer_name(answer: str | None) -> str:
    """A questionnaire answer: a stance on a plank (support, partial, oppose) or yes/partly/no."""
    return {"support": _("support"), "partial": _("partly"), "oppose": _("oppose"), "yes": _("yes"),
            "partly": _("partly"), "no": _("no"), None: _("no answer"), "no_answer": _("no answer")}.get(
        answer, (answer or "").replace("_", " "))


def dated(value, english_format: str) -> str:
    """A date as these pages have always written it in English (strftime), else as the reader's language
    writes it (tracker.i18n.day): "03 March 2026" stays, "3 mar 2026" in Spanish."""
    if value is None:
        return ""
    if current_language() == "en":
        return value.strftime(english_format)
    if isinstance(value, datetime) and "%H" not in english_format:
        value = value.date()  # a day, not a moment: no time in any language
    return day(value)


def register(bp) -> None:
    for function in (decision_name, answer_name, dated):
        bp.add_app_template_global(function)


def questionnaire_link_problem(questionnaire, problem: str) -> str:
    """The service's reason a questionnaire link cannot be used (services/endorsements.link_problem, which
    stays English), in the candidate's language; an unknown reason is shown as the service wrote it."""
    if questionnaire is not None and questionnaire.submitted_at is not None:
        return _("This questionnaire was submitted on %(date)s: the answers are final and the link no longer works.",
                 date=dated(questionnaire.submitted_at, "%d %B %Y"))
    return {
        "This questionnaire link is not valid: check that it was copied whole, or ask the committee for a new one.":
            _("This questionnaire link is not valid: check that it was copied whole, or ask the committee for a new one."),
        "This questionnaire link has expired. Ask the endorsement committee for a new one.":
            _("This questionnaire link has expired. Ask the endorsement committee for a new one."),
    }.get(problem, problem)


def signing_link_problem(problem: str) -> str:
    """The service's reason a signing link cannot be used (services/pledges.link_problem), in the
    candidate's language; an unknown reason is shown as the service wrote it."""
    return {
        "This signing link is not valid. Ask the endorsement committee for a new one.":
            _("This signing link is not valid. Ask the endorsement committee for a new one."),
        "This pledge has already been signed (a signing link works once).":
            _("This pledge has already been signed (a signing link works once)."),
        "This signing link has expired. Ask the endorsement committee for a new one.":
            _("This signing link has expired. Ask the endorsement committee for a new one."),
    }.get(problem, problem)


def clause_in_words(kind: str, params: dict | None, english) -> str:
    """A pledge clause as sentences in the reader's language. English is the service's own wording
    (``english``: services/pledges.clause_sentence); other languages follow the same steps here, since
    the service stays free of the web layer. The signed text itself is never translated."""
    if current_language() == "en":
        return english(kind, params)
    if kind == "plank_support":
        return _("Support every plank of the program version this pledge names.")
    first = {
        "no_corporate_pac": lambda p: _("Accept no contribution from a corporate PAC (a political action committee "
                                        "connected to a corporation), counting from the day of signing."),
        "no_corporate_money": lambda p: _("Accept no corporate money: no contribution from a corporation or from a "
                                          "corporate, trade-association or cooperative PAC, counting from the day of "
                                          "signing."),
        "no_fossil_fuel_money": lambda p: _(
            "Accept %(limit)s %(amount)s %(scope)s from any PAC, executive or lobbyist of a fossil fuel company on "
            "the organization's company list, counting from the day of signing.",
            limit=_("less than") if p.get("comparator") == "gte" else _("no more than"),
            amount=dollars(p.get("threshold", 200), with_cents=False),
            scope=_("in any one contribution") if p.get("aggregation") == "per_contribution"
            else _("per election cycle")),
    }
    if kind not in first:
        return english(kind, params)
    params = money.clause_params(kind, params)
    sentences = [first[kind](params)]
    if kind == "no_corporate_money":
        sentences.append(_("Money from company executives counts as corporate money.") if params.get("include_executives")
                         else _("Money from company executives is shown as a warning, not as a break of the pledge."))
    if kind == "no_fossil_fuel_money":
        sentences.append(_("Every employee of a listed company counts, not only its executives and lobbyists.")
                         if params.get("include_employees")
                         else _("Executives and lobbyists of listed companies count; other employees do not."))
        companies = len(params.get("company_list") or [])
        if companies:
            sentences.append(ngettext("The list names %(num)d company.", "The list names %(num)d companies.", companies))
    sentences.append(_("A contribution returned within %(days)s days of receiving it does not break this pledge.",
                       days=params["cure_days"]))
    sentences.append(_("A flag is published %(days)s days after the candidate is told of it.", days=params["notice_days"]))
    return " ".join(sentences)
