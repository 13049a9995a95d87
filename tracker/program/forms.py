"""Forms of the program area: proposing a change, co-sponsoring, discussing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.vocabulary import PLANK_TIERS

TIER_LABELS = {"minimum": _l("minimum"), "maximum": _l("maximum")}


class ProposalForm(FlaskForm):
    kind = RadioField(_l("What do you propose?"), choices=[
        SelectChoice("new_plank", _l("A new plank")), SelectChoice("amendment", _l("A new text for a plank")),
        SelectChoice("repeal", _l("Removing a plank"))], default="new_plank")
    target_plank = SelectField(_l("Plank to change or remove"), coerce=int, validators=[Optional()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    category = StringField(_l("Category (e.g. Housing)"), validators=[Optional(), Length(max=100)])
    tier = SelectField(_l("Tier"), choices=[SelectChoice("", "—")]
                       + [SelectChoice(t, TIER_LABELS.get(t, t)) for t in PLANK_TIERS],
                       validators=[Optional()])
    line_from = IntegerField(_l("Replace from line"), validators=[Optional(), NumberRange(1, 10_000)])
    line_to = IntegerField(_l("to line"), validators=[Optional(), NumberRange(1, 10_000)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20_000)])
    rationale = TextAreaField(_l("Why (rationale)"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Propose"))


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (co-sponsor, withdraw)."""

    submit = SubmitField(_l("Go"))


class CommentForm(FlaskForm):
    parent_id = HiddenField()
    body = TextAreaField(_l("Your message (Markdown: *emphasis*, **bold**, lists, links)"),
                         validators=[DataRequired(_l("Write something first.")), Length(max=10_000)])
    submit = SubmitField(_l("Post"))
