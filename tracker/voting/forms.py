"""Forms of the voting area. The vote form itself is built from the ballot's questions (see
views.vote); these carry the committee's inputs."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.ballots import MAJORITIES


# The majorities by their stored codes, in the reader's words (English: the codes themselves).
MAJORITY_WORDS = {"simple": _l("simple"), "two-thirds": _l("two-thirds"), "three-quarters": _l("three-quarters")}
MAJORITY_CHOICES = [SelectChoice(m, MAJORITY_WORDS.get(m, m)) for m in MAJORITIES]


class BallotForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the ballot a title.")), Length(max=300)])
    description = TextAreaField(_l("What members should know (optional)"), validators=[Optional(), Length(max=5000)])
    mode = RadioField(_l("How members vote"), choices=[SelectChoice("online", _l("Online, on their phone or computer")),
                                                  SelectChoice("paper", _l("On paper, in the room (tellers count)"))], default="online")
    opens_at = DateTimeLocalField(_l("Opens (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Closes (UTC)"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    secret = BooleanField(_l("Secret ballot (nobody can see how a member voted, ever)"), default=True)
    electorate = RadioField(_l("Who votes"), choices=[SelectChoice("", _l("As the settings say (endorsements: the committee or the members)")),
                                                  SelectChoice("members", _l("All members in good standing")),
                                                  SelectChoice("committee", _l("The endorsement committee (endorsements only)"))],
                            default="", validators=[Optional()])
    adopt_draft = BooleanField(_l("Ask the members to adopt the draft version as the program"))
    other_questions = TextAreaField(_l("Other yes/no questions, one per line (optional)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Open the ballot"))


class AttendanceForm(FlaskForm):
    submit = SubmitField(_l("Record who is present"))


class TellerCountForm(FlaskForm):
    yes = IntegerField(_l("Yes"), validators=[DataRequired(_l("Enter a number (0 if none).")), NumberRange(0, 1_000_000)], default=0)
    no = IntegerField(_l("No"), validators=[Optional(), NumberRange(0, 1_000_000)], default=0)
    abstain = IntegerField(_l("Abstain"), validators=[Optional(), NumberRange(0, 1_000_000)], default=0)
    submit = SubmitField(_l("Enter my count"))


class PaperUploadForm(FlaskForm):
    file = FileField(_l("Ballot file (CSV or BLT)"), validators=[FileRequired(_l("Choose the file of paper ballots."))])
    format = SelectField(_l("Format"), choices=[SelectChoice("", _l("from the file name")), SelectChoice("csv", _l("CSV")),
                                            SelectChoice("blt", _l("BLT"))],
                         validators=[Optional()])
    submit = SubmitField(_l("Upload the ballots"))


class CloseForm(FlaskForm):
    confirm = BooleanField(_l("Every count is entered; close the ballot and publish the results"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Close and publish"))


class SettingsForm(FlaskForm):
    cosponsors_needed = IntegerField(_l("Co-sponsors a proposal needs before it can go to a ballot"),
                                     validators=[NumberRange(0, 1000)])
    quorum = StringField(_l("Quorum: the share of the electorate that must cast a ballot (e.g. 1/4 or 0.25)"),
                         validators=[DataRequired(), Length(max=20)])
    proposal_majority = SelectField(_l("Majority a proposal needs"), choices=MAJORITY_CHOICES)
    adoption_majority = SelectField(_l("Majority adopting a new program version needs"),
                                    choices=MAJORITY_CHOICES)
    ballot_days = IntegerField(_l("Days an online ballot stays open, by default"), validators=[NumberRange(1, 90)])
    secret = BooleanField(_l("Ballots are secret by default"))
    endorsement_electorate = SelectField(_l("Who decides endorsements"), choices=[
        SelectChoice("committee", _l("The endorsement committee")), SelectChoice("members", _l("All members"))])
    endorsement_majority = SelectField(_l("Majority an endorsement needs"), choices=MAJORITY_CHOICES)
    withdrawal_majority = SelectField(_l("Majority withdrawing an endorsement needs (a membership ballot)"),
                                      choices=MAJORITY_CHOICES)
    petition_signatures = IntegerField(_l("Signatures a withdrawal petition needs"), validators=[NumberRange(1, 10_000)])
    questionnaire_questions = TextAreaField(_l("The organization's own questionnaire questions, one per line"),
                                            validators=[Optional(), Length(max=15_000)])
    submit = SubmitField(_l("Save"))
