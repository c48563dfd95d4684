"""Forms for generating documents and reviewing them."""

from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from workbench.services.review import GenerationChoices
from workbench.web.forms import WorkbenchForm, choices

KIND_LABELS = {
    "proposal": "Proposal to a payer (8-15 pages)",
    "brief": "Stakeholder brief (2-4 pages)",
    "executive-summary": "Executive summary (internal, 1-2 pages)",
    "meeting-packet": "Meeting packet (agenda, talking points, leave-behind briefs)",
}
NEEDS_STAKEHOLDER = ("brief", "meeting-packet")


class GenerateForm(WorkbenchForm):
    scenario = SelectField("Scenario", coerce=int, validators=[DataRequired()])
    kind = SelectField("Document", validators=[DataRequired()])
    stakeholders = SelectMultipleField(
        "Stakeholders",
        description="Whose profile decides the value domains, evidence and objections. "
        "A brief or meeting packet needs at least one; hold Ctrl or Cmd to choose several.",
    )

    def __init__(self, options: GenerationChoices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scenario.choices = choices((s.id, s.name) for s in options.scenarios)
        self.kind.choices = choices((kind, KIND_LABELS[kind]) for kind in options.kinds)
        self.stakeholders.choices = choices((p.key, p.name) for p in options.profiles)

    def validate_stakeholders(self, field: SelectMultipleField) -> None:
        if self.kind.data in NEEDS_STAKEHOLDER and not field.data:
            raise ValidationError("Choose at least one stakeholder for a brief or meeting packet.")


class ReviewForm(WorkbenchForm):
    comment = TextAreaField(
        "Comment",
        validators=[Length(max=4000)],
        description="Required when sending back: say what has to change.",
    )
