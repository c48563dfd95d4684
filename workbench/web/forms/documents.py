"""Forms for generating documents and reviewing them."""

from wtforms import PasswordField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from workbench.services.review import GenerationChoices
from workbench.vocabulary import DocumentKind
from workbench.web.forms import WorkbenchForm, choices

# The slugs of the kinds written for a stakeholder, who must be chosen.
STAKEHOLDER_KINDS = tuple(kind.slug for kind in DocumentKind if kind.needs_stakeholder)


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
        self.kind.choices = choices(
            (kind, DocumentKind.from_slug(kind).label) for kind in options.kinds
        )
        self.stakeholders.choices = choices((p.key, p.name) for p in options.profiles)

    def validate_stakeholders(self, field: SelectMultipleField) -> None:
        if self.kind.data in STAKEHOLDER_KINDS and not field.data:
            raise ValidationError("Choose at least one stakeholder for a brief or meeting packet.")


class ReviewForm(WorkbenchForm):
    comment = TextAreaField(
        "Comment",
        validators=[Length(max=4000)],
        description="Required when sending back: say what has to change.",
    )
    # Asked for only when the sign-in is older than the fresh-login limit (see the document page).
    password = PasswordField(
        "Your password",
        render_kw={"autocomplete": "current-password"},
        description="Your sign-in is more than a few minutes old: confirm it is you. "
        "Your comment is kept if the password is wrong.",
    )
