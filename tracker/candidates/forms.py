"""Forms of the candidates area: issuing a pledge, signing it, recording a paper signature."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange


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
