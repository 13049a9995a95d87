"""Forms of the voting area. The vote form itself is built from the ballot's questions (see
views.vote); these carry the committee's inputs."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.ballots import MAJORITIES


class BallotForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the ballot a title."), Length(max=300)])
    description = TextAreaField("What members should know (optional)", validators=[Optional(), Length(max=5000)])
    mode = RadioField("How members vote", choices=[SelectChoice("online", "Online, on their phone or computer"),
                                                  SelectChoice("paper", "On paper, in the room (tellers count)")], default="online")
    opens_at = DateTimeLocalField("Opens (UTC)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    closes_at = DateTimeLocalField("Closes (UTC)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    secret = BooleanField("Secret ballot (nobody can see how a member voted, ever)", default=True)
    electorate = RadioField("Who votes", choices=[SelectChoice("", "As the settings say (endorsements: the committee or the members)"),
                                                  SelectChoice("members", "All members in good standing"),
                                                  SelectChoice("committee", "The endorsement committee (endorsements only)")],
                            default="", validators=[Optional()])
    adopt_draft = BooleanField("Ask the members to adopt the draft version as the program")
    other_questions = TextAreaField("Other yes/no questions, one per line (optional)", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Open the ballot")


class AttendanceForm(FlaskForm):
    submit = SubmitField("Record who is present")


class TellerCountForm(FlaskForm):
    yes = IntegerField("Yes", validators=[DataRequired("Enter a number (0 if none)."), NumberRange(0, 1_000_000)], default=0)
    no = IntegerField("No", validators=[Optional(), NumberRange(0, 1_000_000)], default=0)
    abstain = IntegerField("Abstain", validators=[Optional(), NumberRange(0, 1_000_000)], default=0)
    submit = SubmitField("Enter my count")


class PaperUploadForm(FlaskForm):
    file = FileField("Ballot file (CSV or BLT)", validators=[FileRequired("Choose the file of paper ballots.")])
    format = SelectField("Format", choices=[SelectChoice("", "from the file name"), SelectChoice("csv", "CSV"),
                                            SelectChoice("blt", "BLT")],
                         validators=[Optional()])
    submit = SubmitField("Upload the ballots")


class CloseForm(FlaskForm):
    confirm = BooleanField("Every count is entered; close the ballot and publish the results",
                           validators=[DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Close and publish")


class SettingsForm(FlaskForm):
    cosponsors_needed = IntegerField("Co-sponsors a proposal needs before it can go to a ballot",
                                     validators=[NumberRange(0, 1000)])
    quorum = StringField("Quorum: the share of the electorate that must cast a ballot (e.g. 1/4 or 0.25)",
                         validators=[DataRequired(), Length(max=20)])
    proposal_majority = SelectField("Majority a proposal needs", choices=[SelectChoice(m, m) for m in MAJORITIES])
    adoption_majority = SelectField("Majority adopting a new program version needs",
                                    choices=[SelectChoice(m, m) for m in MAJORITIES])
    ballot_days = IntegerField("Days an online ballot stays open, by default", validators=[NumberRange(1, 90)])
    secret = BooleanField("Ballots are secret by default")
    endorsement_electorate = SelectField("Who decides endorsements", choices=[
        SelectChoice("committee", "The endorsement committee"), SelectChoice("members", "All members")])
    endorsement_majority = SelectField("Majority an endorsement needs", choices=[SelectChoice(m, m) for m in MAJORITIES])
    withdrawal_majority = SelectField("Majority withdrawing an endorsement needs (a membership ballot)",
                                      choices=[SelectChoice(m, m) for m in MAJORITIES])
    petition_signatures = IntegerField("Signatures a withdrawal petition needs", validators=[NumberRange(1, 10_000)])
    questionnaire_questions = TextAreaField("The organization's own questionnaire questions, one per line",
                                            validators=[Optional(), Length(max=15_000)])
    submit = SubmitField("Save")
