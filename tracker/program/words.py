"""The program's stored codes (proposal kinds and statuses, version statuses) in the reader's
language (tiers, like other shared codes, through scorecards.words.score_word). The stored values
and the pure cores stay English; templates call these globals."""
from flask_babel import gettext as _

from tracker.candidates.words import dated


def proposal_status_name(status: str) -> str:
    return {"open": _("open"), "on_ballot": _("on ballot"), "passed": _("passed"), "adopted": _("adopted"),
            "rejected": _("rejected"), "withdrawn": _("withdrawn")}.get(status, status.replace("_", " "))


def proposal_kind_name(kind: str) -> str:
    return {"new_plank": _("new plank"), "amendment": _("amendment"), "repeal": _("repeal")}.get(
        kind, kind.replace("_", " "))


def change_kind_name(kind: str) -> str:
    """The kinds of change between two versions (program_text's codes)."""
    return {"added": _("added"), "removed": _("removed"), "changed": _("changed"), "moved": _("moved")}.get(kind, kind)


def register(bp) -> None:
    for function in (proposal_status_name, proposal_kind_name, change_kind_name, dated):
        bp.add_app_template_global(function)
