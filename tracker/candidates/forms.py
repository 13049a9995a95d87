"""Forms of the candidates area: issuing a pledge, signing it, recording a paper signature."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class IssuePledgeForm(FlaskForm):
    person_id = SelectField("Candidate", coerce=int)
    version_id = SelectField("Program version (adopted)", coerce=int)
    no_corporate_money = BooleanField("No corporate money (corporate, trade and cooperative PACs, and businesses)",
                                      default=True)
    no_corporate_pac = BooleanField("No corporate PAC money (the narrower pledge)")
    no_fossil_fuel_money = BooleanField("No fossil fuel money (the company list on Admin → Donor lists)")
    cure_days = IntegerField("Days the candidate has to return a gift that would break it", default=30,
                             validators=[NumberRange(0, 365)])
    notice_days = IntegerField("Days of notice before a flag is published", default=7, validators=[NumberRange(0, 90)])
    threshold = IntegerField("Fossil fuel clause: dollars per donor per election cycle", default=200,
                             validators=[NumberRange(0, 1_000_000)])
    link_days = IntegerField("The signing link works for (days)", default=30, validators=[NumberRange(1, 180)])
    submit = SubmitField("Issue the pledge")


class SignForm(FlaskForm):
    signed_name = StringField("Your full name", validators=[DataRequired("Type your full name to sign."),
                                                            Length(max=200)])
    agree = BooleanField("I have read the text above and I sign it",
                         validators=[DataRequired("Tick the box to sign.")])
    submit = SubmitField("Sign the pledge")


class PaperSignatureForm(FlaskForm):
    signed_name = StringField("Name as signed", validators=[DataRequired(), Length(max=200)])
    signed_on = DateField("Signed on", validators=[DataRequired()])
    submit = SubmitField("Record the paper signature")


class WithdrawForm(FlaskForm):
    confirm = BooleanField("Yes, withdraw this pledge", validators=[DataRequired("Tick the box to confirm.")])
    submit = SubmitField("Withdraw the pledge")


class CandidateForm(FlaskForm):
    person_id = SelectField("Someone already in the tracker", coerce=int, validators=[Optional()])
    name = StringField("Or a new person: full name", validators=[Optional(), Length(max=200)])
    election = StringField("Election", validators=[DataRequired("Name the election."), Length(max=200)])
    election_on = DateField("Election day", validators=[Optional()])
    office = StringField("Office sought", validators=[Optional(), Length(max=200)])
    district = StringField("District or seat", validators=[Optional(), Length(max=100)])
    ballot_line = StringField("Party or ballot line", validators=[Optional(), Length(max=100)])
    independent = BooleanField("Runs independent of corporate-funded parties")
    fec_candidate = StringField("FEC candidate id", validators=[Optional(), Length(max=120)])
    fec_committee = StringField("FEC committee id(s), separated by commas", validators=[Optional(), Length(max=400)])
    state_filer = StringField("State filer id(s) (e.g. California Form 460 filer id)", validators=[Optional(), Length(max=400)])
    submit = SubmitField("Add the candidate")


class IdentifiersForm(FlaskForm):
    fec_candidate = StringField("FEC candidate id", validators=[Optional(), Length(max=120)])
    fec_committee = StringField("FEC committee id(s)", validators=[Optional(), Length(max=400)])
    state_filer = StringField("State filer id(s)", validators=[Optional(), Length(max=400)])
    submit = SubmitField("Attach the ids")


class SendQuestionnaireForm(FlaskForm):
    link_days = IntegerField("The link works for (days)", default=30, validators=[NumberRange(1, 180)])
    submit = SubmitField("Make the questionnaire link")


class QuestionnaireForm(FlaskForm):
    """Only the CSRF token and the final name: the answers are read per plank from the request."""

    signed_name = StringField("Your full name (to submit)", validators=[Optional(), Length(max=200)])
    save = SubmitField("Save and come back later")
    submit = SubmitField("Submit my answers (final)")


class PetitionForm(FlaskForm):
    reason = TextAreaField("Why the endorsement should be withdrawn", validators=[DataRequired("Say why."),
                                                                                Length(max=10_000)])
    evidence = TextAreaField("Evidence: links to roll calls, flags, articles (one per line)",
                             validators=[Optional(), Length(max=10_000)])
    submit = SubmitField("Open the petition")
