"""Forms for following by e-mail."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.i18n import current_language

CADENCE_CHOICES = [SelectChoice("digest", _l("A daily digest")), SelectChoice("immediate", _l("Each event as it happens"))]
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("es", "Español")]


class FollowForm(FlaskForm):
    email = EmailField(_l("Your e-mail address"), validators=[DataRequired(), Length(max=254)])
    cadence = SelectField(_l("How often"), choices=CADENCE_CHOICES, default="digest")
    # The visitor's language unless they choose another: their mail comes in the language they read.
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default=current_language)
    submit = SubmitField(_l("Follow by e-mail"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class UnsubscribeForm(FlaskForm):
    submit = SubmitField(_l("Unsubscribe"))


class MemberFollowsForm(FlaskForm):
    cadence = SelectField(_l("How often"), choices=CADENCE_CHOICES, default="digest")
    members_notices = BooleanField(_l("Members' notices: ballots opening and closing, proposals I co-sponsored, "
                                      "withdrawal votes"))
    submit = SubmitField(_l("Save"))


class ReleaseForm(FlaskForm):
    submit = SubmitField(_l("Send the held messages again"))
