from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.vocabulary import ROLES

ROLE_CHOICES = [SelectChoice(r, r.capitalize()) for r in ROLES]


class AddMemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")
    password = PasswordField("Initial password (at least 10 characters)", validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Add member")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


class DonorListForm(FlaskForm):
    """One donor list: its names (one per line) or a text file that replaces them."""

    names = TextAreaField("Names, one per line", validators=[Length(max=5_000_000)], render_kw={"rows": 8})
    upload = FileField("Or replace the list with a text file (UTF-8, one name per line)")
    confirm_removal = BooleanField("Yes, remove the names this change takes off the list")
    submit = SubmitField("Save list")


class PersonForm(FlaskForm):
    """A person's own facts, and the office and district of their latest term."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sort_name = StringField("Sorted as (family name first; blank: from the name)", validators=[Length(max=200)])
    party = StringField("Party", validators=[Length(max=100)])
    tracked = BooleanField("Follow this person (money imports that keep only followed people keep theirs)")
    office = StringField("Office (latest term)", validators=[Length(max=200)])
    district = StringField("District (latest term)", validators=[Length(max=100)])
    submit = SubmitField("Save")


class IdentifierForm(FlaskForm):
    scheme = SelectField("Kind of id")
    value = StringField("Id as filed", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Attach")


class RemoveIdentifierForm(FlaskForm):
    identifier_id = StringField(validators=[DataRequired()])
