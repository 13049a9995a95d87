"""Forms of the import pages."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

UPLOAD_TOKEN = r"^[0-9a-f]{32}\.[A-Za-z0-9_.-]{1,120}$"


class UploadForm(FlaskForm):
    kind = SelectField("What the file holds", validators=[DataRequired()])
    fmt = SelectField("Format", default="auto")
    body = StringField("Voting body (optional)", validators=[Optional(), Length(max=200)])
    strict = BooleanField("Reject the whole file if any row is bad")
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])
    submit = SubmitField("Preview")


class StartForm(FlaskForm):
    """The preview page's hidden fields: which saved upload, how to import it."""

    token = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_TOKEN)])
    kind = HiddenField(validators=[DataRequired()])
    fmt = HiddenField(validators=[DataRequired()])
    body = HiddenField(validators=[Optional(), Length(max=200)])
    strict = HiddenField()
    submit = SubmitField("Import")


class CancelForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_TOKEN)])
    submit = SubmitField("Cancel")
