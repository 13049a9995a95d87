"""The candidates area's stored codes (endorsement decisions, pledge statuses, questionnaire answers)
in the reader's language. The stored values stay English; templates call these globals."""
from datetime import datetime

from flask_babel import gettext as _

from tracker.i18n import current_language, day


def decision_name(decision: str) -> str:
    return {"pending": _("pending"), "endorsed": _("endorsed"), "declined": _("declined"),
            "withdrawn": _("withdrawn")}.get(decision, decision)


def pledge_status_name(status: str) -> str:
    return {"pending": _("pending"), "signed": _("signed"), "broken": _("broken"),
            "withdrawn": _("withdrawn")}.get(status, status)


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
    for function in (decision_name, pledge_status_name, answer_name, dated):
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
