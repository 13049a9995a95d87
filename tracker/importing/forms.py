"""Forms of the import pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

UPLOAD_TOKEN = r"^[0-9a-f]{32}\.[A-Za-z0-9_.-]{1,120}$"


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), validators=[DataRequired()])
    fmt = SelectField(_l("Format"), default="auto")
    body = StringField(_l("Voting body (optional)"), validators=[Optional(), Length(max=200)])
    strict = BooleanField(_l("Reject the whole file if any row is bad"))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
    submit = SubmitField(_l("Preview"))


class StartForm(FlaskForm):
    """The preview page's hidden fields: which saved upload, how to import it."""

    token = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_TOKEN)])
    kind = HiddenField(validators=[DataRequired()])
    fmt = HiddenField(validators=[DataRequired()])
    body = HiddenField(validators=[Optional(), Length(max=200)])
    strict = HiddenField()
    submit = SubmitField(_l("Import"))


class CancelForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_TOKEN)])
    submit = SubmitField(_l("Cancel"))
