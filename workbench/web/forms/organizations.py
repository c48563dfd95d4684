"""Forms for organizations, their contacts and the rows of the code-coverage matrix."""

import json
from decimal import Decimal, InvalidOperation

from wtforms import (
    DateField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from workbench.models import StakeholderProfile
from workbench.models.enums import CoverageStatus, OrganizationKind, PayerType
from workbench.services.organizations import (
    CoverageValues,
    OrganizationValues,
    amount_problem,
    suggested_profiles,
)
from workbench.web.forms import WorkbenchForm, choices

KIND_LABELS = {
    OrganizationKind.PAYER: "Payer",
    OrganizationKind.EMPLOYER: "Employer",
    OrganizationKind.ACO: "ACO / CIN",
    OrganizationKind.STATE_AGENCY: "State agency",
    OrganizationKind.PROVIDER: "Provider",
    OrganizationKind.ADVOCACY: "Advocacy body / ally",
    OrganizationKind.OWN: "Our organization",
}
PAYER_TYPE_LABELS = {
    PayerType.COMMERCIAL: "Commercial",
    PayerType.MEDICARE: "Medicare",
    PayerType.MEDICARE_ADVANTAGE: "Medicare Advantage",
    PayerType.MEDICAID_MCO: "Medicaid managed care",
    PayerType.STATE_MEDICAID: "State Medicaid",
    PayerType.SELF_FUNDED: "Self-funded employer plan",
}
# Enough to catch a typo; the address is only shown to people, never mailed by the app.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
COVERAGE_LABELS = {
    CoverageStatus.COVERED: "Covered",
    CoverageStatus.NOT_COVERED: "Not covered",
    CoverageStatus.UNKNOWN: "Unknown",
}


def labelled(labels: dict, empty: str | None = None) -> list:
    """Turn an {enum member: label} mapping into select choices, after an empty one if named."""
    pairs = [(member.value, label) for member, label in labels.items()]
    return choices([("", empty), *pairs] if empty else pairs)


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an id, or None for the empty choice."""
    return None if value in (None, "", "None") else int(value)


class AmountField(Field):
    """A dollar amount typed as text ($1,234.50 is fine); blank means none.

    Errors name the field, and what was typed stays in the box when the form comes back.
    """

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", "").removeprefix("$")
        self.data = None
        if not text:
            return
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            raise ValueError("Enter an amount in dollars, such as 145.24.") from None

    def pre_validate(self, form: WorkbenchForm) -> None:
        problem = None if self.process_errors else amount_problem(self.data)
        if problem:
            raise ValidationError(f"{problem.capitalize()}.")


class VersionedForm(WorkbenchForm):
    """A form of a versioned record: the version it was opened on travels with it."""

    version = HiddenField(default="0")

    def validate_version(self, field: HiddenField) -> None:
        if not (field.data or "").isdigit():
            raise ValidationError("The form lost its version; reload the page and try again.")


class OrganizationForm(VersionedForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=labelled(KIND_LABELS))
    payer_type = SelectField(
        "Payer type",
        coerce=lambda value: value or None,
        choices=labelled(PAYER_TYPE_LABELS, empty="None (not a payer)"),
        description="Picking one suggests its stakeholder profile.",
    )
    profile_id = SelectField(
        "Stakeholder profile",
        coerce=optional_int,
        description="Whose interests, objections and asks the briefs for this organization use.",
    )
    attributed_members = IntegerField(
        "Attributed members",
        validators=[Optional(), NumberRange(min=0, message="Enter 0 or more.")],
        description="Members attributed to our practices (lives).",
    )
    baseline_tcoc_pmpm = AmountField(
        "Baseline total cost of care PMPM",
        description="Their current total cost of care per member per month, in dollars.",
    )
    notes = TextAreaField("Notes", validators=[Length(max=10000)])

    def __init__(self, profiles: list[StakeholderProfile], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.profile_id.choices = choices(
            [("", "None chosen"), *((str(p.id), p.name) for p in profiles)]
        )
        # app.js picks the profile suggested for the payer type chosen, if none is chosen yet.
        self.payer_type.render_kw = {
            "data-suggests-profile": json.dumps(suggested_profiles(profiles)),
            "data-profile-select": self.profile_id.id,
        }

    def validate_payer_type(self, field: SelectField) -> None:
        if self.kind.data == OrganizationKind.PAYER and not field.data:
            raise ValidationError("Choose the payer type: the briefs and the figures use it.")

    def values(self) -> OrganizationValues:
        """Return the typed values the service saves."""
        return OrganizationValues(
            name=self.name.data.strip(),
            kind=OrganizationKind(self.kind.data),
            payer_type=PayerType(self.payer_type.data) if self.payer_type.data else None,
            profile_id=self.profile_id.data,
            attributed_members=self.attributed_members.data,
            baseline_tcoc_pmpm=self.baseline_tcoc_pmpm.data,
            notes=self.notes.data or None,
        )


class ContactForm(WorkbenchForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title", validators=[Length(max=200)])
    email = EmailField(
        "Email",
        validators=[
            Optional(),
            Regexp(EMAIL, message="Enter an address such as name@plan.org."),
            Length(max=320),
        ],
    )
    phone = StringField("Phone", validators=[Length(max=64)])

    def values(self) -> dict[str, str | None]:
        """Return the contact's fields, blanks as None."""
        return {
            name: (getattr(self, name).data or "").strip() or None
            for name in ("name", "title", "email", "phone")
        }


class CoverageForm(VersionedForm):
    """One row of the coverage matrix; each row has its own prefix (c<code id>).

    The matrix is one HTML form with one CSRF token, which CSRFProtect checks for the whole
    request before the view runs; the rows carry none of their own.
    """

    class Meta:
        csrf = False

    status = SelectField("Covered", choices=labelled(COVERAGE_LABELS))
    rate = AmountField("Rate")
    effective_from = DateField("Effective from", validators=[Optional()])
    documentation_required = StringField("Documentation required", validators=[Length(max=2000)])
    same_day_restrictions = StringField("Same-day rule", validators=[Length(max=2000)])

    def values(self) -> CoverageValues:
        """Return the typed values the service saves."""
        return CoverageValues(
            status=CoverageStatus(self.status.data),
            rate=self.rate.data,
            effective_from=self.effective_from.data,
            documentation_required=(self.documentation_required.data or "").strip() or None,
            same_day_restrictions=(self.same_day_restrictions.data or "").strip() or None,
        )
