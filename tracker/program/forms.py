"""Forms of the program area: proposing a change, co-sponsoring, discussing."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.vocabulary import PLANK_TIERS


class ProposalForm(FlaskForm):
    kind = RadioField("What do you propose?", choices=[
        SelectChoice("new_plank", "A new plank"), SelectChoice("amendment", "A new text for a plank"),
        SelectChoice("repeal", "Removing a plank")], default="new_plank")
    target_plank = SelectField("Plank to change or remove", coerce=int, validators=[Optional()])
    title = StringField("Title", validators=[Optional(), Length(max=300)])
    category = StringField("Category (e.g. Housing)", validators=[Optional(), Length(max=100)])
    tier = SelectField("Tier", choices=[SelectChoice("", "—")] + [SelectChoice(t, t) for t in PLANK_TIERS],
                       validators=[Optional()])
    line_from = IntegerField("Replace from line", validators=[Optional(), NumberRange(1, 10_000)])
    line_to = IntegerField("to line", validators=[Optional(), NumberRange(1, 10_000)])
    body = TextAreaField("Text", validators=[Optional(), Length(max=20_000)])
    rationale = TextAreaField("Why (rationale)", validators=[Optional(), Length(max=20_000)])
    submit = SubmitField("Propose")


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (co-sponsor, withdraw)."""

    submit = SubmitField("Go")


class CommentForm(FlaskForm):
    parent_id = HiddenField()
    body = TextAreaField("Your message (Markdown: *emphasis*, **bold**, lists, links)",
                         validators=[DataRequired("Write something first."), Length(max=10_000)])
    submit = SubmitField("Post")
