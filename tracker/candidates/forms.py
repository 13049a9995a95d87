"""Forms of the candidates area: issuing a pledge, signing it, recording a paper signature."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class IssuePledgeForm(FlaskForm):
    person_id = SelectField(_l("Candidate"), coerce=int)
    version_id = SelectField(_l("Program version (adopted)"), coerce=int)
    no_corporate_money = BooleanField(_l("No corporate money (corporate, trade and cooperative PACs, and businesses)"),
                                      default=True)
    no_corporate_pac = BooleanField(_l("No corporate PAC money (the narrower pledge)"))
    no_fossil_fuel_money = BooleanField(_l("No fossil fuel money (the company list on Admin → Donor lists)"))
    cure_days = IntegerField(_l("Days the candidate has to return a gift that would break it"), default=30,
                             validators=[NumberRange(0, 365)])
    notice_days = IntegerField(_l("Days of notice before a flag is published"), default=7, validators=[NumberRange(0, 90)])
    threshold = IntegerField(_l("Fossil fuel clause: dollars per donor per election cycle"), default=200,
                             validators=[NumberRange(0, 1_000_000)])
    link_days = IntegerField(_l("The signing link works for (days)"), default=30, validators=[NumberRange(1, 180)])
    submit = SubmitField(_l("Issue the pledge"))


class SignForm(FlaskForm):
    signed_name = StringField(_l("Your full name"), validators=[DataRequired(_l("Type your full name to sign.")),
                                                            Length(max=200)])
    agree = BooleanField(_l("I have read the text above and I sign it"),
                         validators=[DataRequired(_l("Tick the box to sign."))])
    submit = SubmitField(_l("Sign the pledge"))


class PaperSignatureForm(FlaskForm):
    signed_name = StringField(_l("Name as signed"), validators=[DataRequired(), Length(max=200)])
    signed_on = DateField(_l("Signed on"), validators=[DataRequired()])
    submit = SubmitField(_l("Record the paper signature"))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("Yes, withdraw this pledge"), validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Withdraw the pledge"))


class CandidateForm(FlaskForm):
    person_id = SelectField(_l("Someone already in the tracker"), coerce=int, validators=[Optional()])
    name = StringField(_l("Or a new person: full name"), validators=[Optional(), Length(max=200)])
    election = StringField(_l("Election"), validators=[DataRequired(_l("Name the election.")), Length(max=200)])
    election_on = DateField(_l("Election day"), validators=[Optional()])
    office = StringField(_l("Office sought"), validators=[Optional(), Length(max=200)])
    district = StringField(_l("District or seat"), validators=[Optional(), Length(max=100)])
    ballot_line = StringField(_l("Party or ballot line"), validators=[Optional(), Length(max=100)])
    independent = BooleanField(_l("Runs independent of corporate-funded parties"))
    fec_candidate = StringField(_l("FEC candidate id"), validators=[Optional(), Length(max=120)])
    fec_committee = StringField(_l("FEC committee id(s), separated by commas"), validators=[Optional(), Length(max=400)])
    state_filer = StringField(_l("State filer id(s) (e.g. California Form 460 filer id)"), validators=[Optional(), Length(max=400)])
    submit = SubmitField(_l("Add the candidate"))


class IdentifiersForm(FlaskForm):
    fec_candidate = StringField(_l("FEC candidate id"), validators=[Optional(), Length(max=120)])
    fec_committee = StringField(_l("FEC committee id(s)"), validators=[Optional(), Length(max=400)])
    state_filer = StringField(_l("State filer id(s)"), validators=[Optional(), Length(max=400)])
    submit = SubmitField(_l("Attach the ids"))


class SendQuestionnaireForm(FlaskForm):
    link_days = IntegerField(_l("The link works for (days)"), default=30, validators=[NumberRange(1, 180)])
    submit = SubmitField(_l("Make the questionnaire link"))


class QuestionnaireForm(FlaskForm):
    """Only the CSRF token and the final name: the answers are read per plank from the request."""

    signed_name = StringField(_l("Your full name (to submit)"), validators=[Optional(), Length(max=200)])
    save = SubmitField(_l("Save and come back later"))
    submit = SubmitField(_l("Submit my answers (final)"))


class PetitionForm(FlaskForm):
    reason = TextAreaField(_l("Why the endorsement should be withdrawn"), validators=[DataRequired(_l("Say why.")),
                                                                                Length(max=10_000)])
    evidence = TextAreaField(_l("Evidence: links to roll calls, flags, articles (one per line)"),
                             validators=[Optional(), Length(max=10_000)])
    submit = SubmitField(_l("Open the petition"))
