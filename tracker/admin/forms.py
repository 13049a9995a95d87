from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.vocabulary import ROLES

ROLE_LABELS = {"member": _l("Member"), "committee": _l("Committee"), "admin": _l("Admin")}
ROLE_CHOICES = [SelectChoice(r, ROLE_LABELS.get(r, r.capitalize())) for r in ROLES]


class AddMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="member")
    password = PasswordField(_l("Initial password (at least 10 characters)"), validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField(_l("Repeat the password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Add member"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class DonorListForm(FlaskForm):
    """One donor list: its names (one per line) or a text file that replaces them."""

    names = TextAreaField(_l("Names, one per line"), validators=[Length(max=5_000_000)], render_kw={"rows": 8})
    upload = FileField(_l("Or replace the list with a text file (UTF-8, one name per line)"))
    confirm_removal = BooleanField(_l("Yes, remove the names this change takes off the list"))
    submit = SubmitField(_l("Save list"))


class PersonForm(FlaskForm):
    """A person's own facts, and the office and district of their latest term."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    sort_name = StringField(_l("Sorted as (family name first; blank: from the name)"), validators=[Length(max=200)])
    party = StringField(_l("Party"), validators=[Length(max=100)])
    tracked = BooleanField(_l("Follow this person (money imports that keep only followed people keep theirs)"))
    office = StringField(_l("Office (latest term)"), validators=[Length(max=200)])
    district = StringField(_l("District (latest term)"), validators=[Length(max=100)])
    submit = SubmitField(_l("Save"))


class IdentifierForm(FlaskForm):
    scheme = SelectField(_l("Kind of id"))
    value = StringField(_l("Id as filed"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Attach"))


class RemoveIdentifierForm(FlaskForm):
    identifier_id = StringField(validators=[DataRequired()])
