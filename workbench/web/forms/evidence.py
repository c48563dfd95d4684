"""The form for adding local evidence (a pilot's results) to the evidence library."""

from decimal import Decimal

from wtforms import (
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from workbench.models.enums import Stance
from workbench.services.evidence import EFFECT_UNITS, LocalEvidence
from workbench.web.forms import WorkbenchForm, choices

# The stored effect columns hold 16 digits, 4 after the point.
LARGEST_EFFECT = Decimal("999999999999")
STANCE_LABELS = {
    Stance.SUPPORTS.value: "Supports the program's case",
    Stance.AGAINST.value: "Counts against it",
    Stance.MIXED.value: "Mixed",
}


def _effect(label: str, description: str = "") -> DecimalField:
    return DecimalField(
        label,
        places=None,
        description=description,
        validators=[Optional(), NumberRange(-LARGEST_EFFECT, LARGEST_EFFECT)],
        render_kw={"inputmode": "decimal"},
    )


class LocalEvidenceForm(WorkbenchForm):
    study = StringField(
        "Study or pilot",
        validators=[DataRequired(), Length(max=200)],
        description="E.g. “Eastside clinic CoCM pilot, first year”.",
    )
    citation = TextAreaField(
        "Citation or source",
        validators=[DataRequired(), Length(max=4000)],
        description="Where the figure comes from: report or data extract, who made it, when.",
    )
    source_pages = StringField(
        "Where in the source", validators=[Optional(), Length(max=500)], description="Page, table."
    )
    year = IntegerField("Year", validators=[Optional(), NumberRange(1900, 2100)])
    population = TextAreaField(
        "Population",
        validators=[DataRequired(), Length(max=4000)],
        description="Who was treated, how many, where.",
    )
    effect_value = _effect("Effect", "The central figure; positive money figures are savings.")
    effect_low = _effect("Low end of the range")
    effect_high = _effect("High end of the range")
    effect_unit = SelectField("Unit", choices=choices(EFFECT_UNITS.items()))
    effect_description = TextAreaField(
        "What the effect is",
        validators=[DataRequired(), Length(max=4000)],
        description="In a sentence, as a brief would quote it.",
    )
    follow_up_years = DecimalField(
        "Follow-up, years",
        places=None,
        validators=[Optional(), NumberRange(0, 100)],
        render_kw={"inputmode": "decimal"},
    )
    domains = SelectMultipleField(
        "Value domains",
        validators=[DataRequired("Choose at least one value domain.")],
        description="Hold Ctrl or Cmd to choose several.",
        render_kw={"size": 9},
    )
    stance = SelectField("Stance", choices=choices(STANCE_LABELS.items()))
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=4000)],
        description="Caveats, how the figure was checked.",
    )

    def __init__(self, domains: list[tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.domains.choices = choices(domains)

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then ask for an effect: a figure, or both ends of a range."""
        valid = super().validate(extra_validators)
        low, high = self.effect_low.data, self.effect_high.data
        missing = self.effect_value.data is None and (low is None or high is None)
        # Checked here: an empty optional field ends its own validation before any rule of ours.
        if missing and not self.effect_value.errors:
            self.effect_value.errors.append("Give the effect, or both ends of its range.")
            return False
        return valid

    def validate_effect_high(self, field: DecimalField) -> None:
        low = self.effect_low.data
        if field.data is not None and low is not None and low > field.data:
            raise ValidationError("The high end must not be below the low end.")

    def evidence(self) -> LocalEvidence:
        """Return what was entered, for the service to save."""
        return LocalEvidence(
            study=self.study.data.strip(),
            citation=self.citation.data.strip(),
            source_pages=(self.source_pages.data or "").strip() or None,
            year=self.year.data,
            population=self.population.data.strip(),
            effect_value=self.effect_value.data,
            effect_low=self.effect_low.data,
            effect_high=self.effect_high.data,
            effect_unit=self.effect_unit.data,
            effect_description=self.effect_description.data.strip(),
            follow_up_years=self.follow_up_years.data,
            domains=tuple(self.domains.data),
            stance=self.stance.data,
            note=(self.note.data or "").strip() or None,
        )
