"""Forms of the scorecards area: propose/decide alignments, excuse absences, word bands."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.services.alignments import EXCUSAL_REASONS

EXCUSAL_REASON_LABELS = {"family": _l("Family"), "medical": _l("Medical"), "disaster": _l("Disaster"),
                         "other": _l("Other")}
PRO_CHOICES = [SelectChoice("yes", _l("Yes keeps the plank")), SelectChoice("no", _l("No keeps the plank"))]


class ProposeAlignmentForm(FlaskForm):
    plank_id = SelectField(_l("Plank"), coerce=int, validators=[DataRequired()])
    pro_position = RadioField(_l("Which vote keeps the plank?"), choices=PRO_CHOICES, validators=[DataRequired()])
    weight = IntegerField(_l("Weight"), default=1, validators=[DataRequired(), NumberRange(min=1, max=10)],
                          description=_l("1 for an ordinary vote, 2 for a key vote."))
    rationale = TextAreaField(_l("Rationale"), validators=[DataRequired(), Length(max=4000)],
                              description=_l("Why this vote keeps or breaks the plank, in a sentence or two."))


class DecideAlignmentForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                     SelectChoice("edit", _l("Edit and approve")),
                                                     SelectChoice("reject", _l("Reject"))])
    pro_position = RadioField(_l("Which vote keeps the plank?"), choices=PRO_CHOICES, validators=[Optional()])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=1, max=10)])
    rationale = TextAreaField(_l("Rationale"), validators=[Optional(), Length(max=4000)])
    note = StringField(_l("Note for the record"), validators=[Optional(), Length(max=2000)])


class ExcusalForm(FlaskForm):
    person_id = SelectField(_l("Official"), coerce=int, validators=[DataRequired()])
    reason = SelectField(_l("Reason"),
                         choices=[SelectChoice(r, EXCUSAL_REASON_LABELS.get(r, r.capitalize())) for r in EXCUSAL_REASONS],
                         validators=[DataRequired()])
    detail = StringField(_l("Details"), validators=[Optional(), Length(max=400)],
                         description=_l("For example: medical leave approved by the council on 3 March."))

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not in validate_detail: Optional() stops the field chain on empty input.
        ok = super().validate(extra_validators)
        if self.reason.data == "other" and not (self.detail.data or "").strip():
            self.detail.errors = [*self.detail.errors, _("Say what the reason is.")]
            return False
        return ok


BAND_LINE = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*\+?\s+(.+?)\s*$")


class ScoringSettingsForm(FlaskForm):
    """Word bands and the main scoring options (saved through the scores service, which rescores)."""

    bands = TextAreaField(_l("Word bands"), validators=[Optional(), Length(max=2000)],
                          description=_l('One band a line, lowest score first or last: "90 keeps the program" '
                                         'means 90 and above. Leave empty for none.'))
    absence_policy = SelectField(_l("Absences"), choices=[
        SelectChoice("exclude", _l("Leave absences out of the score")),
        SelectChoice("count_against", _l("Count absences against the program")),
        SelectChoice("half_credit", _l("Give absences half credit"))])
    min_counted_votes = IntegerField(_l("Fewest counted roll calls for a score"), validators=[NumberRange(min=0, max=100)])
    overall_mode = SelectField(_l("Overall score"), choices=[
        SelectChoice("pooled", _l("Pool every scored roll call (each counted once)")),
        SelectChoice("plank_average", _l("Average the plank scores"))])

    def parsed_bands(self) -> list[dict]:
        """The bands as [{"min", "label"}]; raises ValidationError naming the bad line."""
        bands = []
        for number, line in enumerate((self.bands.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = BAND_LINE.match(line)
            if not match or not 0 <= float(match[1]) <= 100:
                raise ValidationError(_('Line %(number)s: write it as "90 keeps the program" (a score from 0 to 100, '
                                        'then the words).', number=number))
            minimum = float(match[1])
            bands.append({"min": int(minimum) if minimum.is_integer() else minimum, "label": match[2][:80]})
        return sorted(bands, key=lambda b: -b["min"])
