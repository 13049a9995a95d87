"""Forms for following by e-mail."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

CADENCE_CHOICES = [SelectChoice("digest", "A daily digest"), SelectChoice("immediate", "Each event as it happens")]
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("es", "Español")]


class FollowForm(FlaskForm):
    email = EmailField("Your e-mail address", validators=[DataRequired(), Length(max=254)])
    cadence = SelectField("How often", choices=CADENCE_CHOICES, default="digest")
    language = SelectField("Language", choices=LANGUAGE_CHOICES, default="en")
    submit = SubmitField("Follow by e-mail")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm")


class UnsubscribeForm(FlaskForm):
    submit = SubmitField("Unsubscribe")


class MemberFollowsForm(FlaskForm):
    cadence = SelectField("How often", choices=CADENCE_CHOICES, default="digest")
    members_notices = BooleanField("Members' notices: ballots opening and closing, proposals I co-sponsored, "
                                   "withdrawal votes")
    submit = SubmitField("Save")


class ReleaseForm(FlaskForm):
    submit = SubmitField("Send the held messages again")
