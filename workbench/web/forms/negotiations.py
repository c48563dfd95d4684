"""Forms for the negotiation log: opening a negotiation, its stage, meetings and offers."""

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workbench.models import Organization, Scenario
from workbench.models.enums import NegotiationStage, OfferResponse, OfferSide, PaymentModel
from workbench.services.negotiations import OFFER_RATE_CODES, Attendee
from workbench.web.forms import WorkbenchForm, choices
from workbench.web.forms.organizations import AmountField, VersionedForm, labelled, optional_int
from workbench.web.time_zones import person_zone_name, typed_to_utc, utc_to_typed

STAGE_LABELS = {stage: stage.value.replace("_", " ").capitalize() for stage in NegotiationStage}
SIDE_LABELS = {OfferSide.OURS: "Ours (our ask)", OfferSide.THEIRS: "Theirs (their offer)"}
RESPONSE_LABELS = {response: response.value.capitalize() for response in OfferResponse}
WHEN_FORMAT = "%Y-%m-%dT%H:%M"


def in_your_time(label: str) -> str:
    """A time field's label, naming the zone it is typed in (the person's)."""
    return f"{label} (your time, {person_zone_name()})"


class NegotiationFields(VersionedForm):
    """The fields a negotiation is opened with and later edited."""

    title = StringField(
        "Title",
        validators=[DataRequired(), Length(max=200)],
        description="For example: 2027 CoCM contract, or Bundled pilot.",
    )
    stage = SelectField("Stage", choices=labelled(STAGE_LABELS))
    next_meeting_at = DateTimeLocalField(
        "Next meeting", format=WHEN_FORMAT, validators=[Optional()]
    )
    next_steps = TextAreaField(
        "Next steps",
        validators=[Length(max=10000)],
        description="Who does what before the next meeting.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.next_meeting_at.label.text = in_your_time("Next meeting")
        if not self.next_meeting_at.raw_data:
            # Read from the record (UTC): shown in the person's zone, as they will type it back.
            self.next_meeting_at.data = utc_to_typed(self.next_meeting_at.data)

    def values(self) -> dict:
        """Return the negotiation's fields as the service saves them (times in UTC)."""
        return {
            "title": self.title.data.strip(),
            "stage": NegotiationStage(self.stage.data),
            "next_meeting_at": typed_to_utc(self.next_meeting_at.data),
            "next_steps": (self.next_steps.data or "").strip() or None,
        }


class NegotiationCreateForm(NegotiationFields):
    organization_id = SelectField("Payer", coerce=optional_int, validators=[InputRequired()])

    def __init__(self, payers: list[Organization], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization_id.choices = choices(
            [("", "Choose a payer"), *((str(o.id), o.name) for o in payers)]
        )


class NegotiationStatusForm(NegotiationFields):
    """The stage and next steps, edited on the negotiation's page (versioned)."""


class MeetingForm(WorkbenchForm):
    held_at = DateTimeLocalField("Date and time", format=WHEN_FORMAT, validators=[DataRequired()])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    attendees = SelectMultipleField(
        "Attendees (their contacts and our team; the role in brackets)",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    notes = TextAreaField("Notes", validators=[Length(max=20000)])

    def __init__(self, people: tuple[Attendee, ...], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held_at.label.text = in_your_time("Date and time")
        self.attendees.choices = choices((person.key, person.label) for person in people)

    def values(self) -> dict:
        """Return the meeting as the service records it (its time in UTC)."""
        return {
            "held_at": typed_to_utc(self.held_at.data),
            "title": self.title.data.strip(),
            "attendee_keys": list(self.attendees.data or []),
            "notes": (self.notes.data or "").strip() or None,
        }


class OfferForm(WorkbenchForm):
    round = IntegerField(
        "Round", validators=[InputRequired(), NumberRange(min=1, message="Round 1 or later.")]
    )
    side = SelectField("Whose offer", choices=labelled(SIDE_LABELS))
    payment_model = SelectField(
        "Payment model", choices=choices((model.value, model.label) for model in PaymentModel)
    )
    pmpm = AmountField("PMPM", description="Dollars per member per month.")
    rate_99492 = AmountField("99492 rate")
    rate_99493 = AmountField("99493 rate")
    rate_99494 = AmountField("99494 rate")
    response = SelectField("Response", choices=labelled(RESPONSE_LABELS))
    scenario_id = SelectField(
        "Scenario behind it",
        coerce=optional_int,
        description="The scenario the offer was priced from (for their counteroffer: ours, "
        "to see what it means for both sides).",
    )
    notes = TextAreaField("Notes", validators=[Length(max=10000)])

    def __init__(self, scenarios: tuple[Scenario, ...], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scenario_id.choices = choices(
            [("", "None"), *((str(s.id), s.name) for s in scenarios)]
        )

    def rate_fields(self) -> list:
        """Return the CoCM rate fields, in code order."""
        return [getattr(self, f"rate_{code}") for code in OFFER_RATE_CODES]

    def values(self) -> dict:
        """Return the offer as `record_offer` takes it."""
        return {
            "round": self.round.data,
            "side": OfferSide(self.side.data),
            "payment_model": PaymentModel(self.payment_model.data),
            "pmpm": self.pmpm.data,
            "rates": {code: getattr(self, f"rate_{code}").data for code in OFFER_RATE_CODES},
            "response": OfferResponse(self.response.data),
            "notes": (self.notes.data or "").strip() or None,
            "scenario_id": self.scenario_id.data,
        }


class OfferResponseForm(WorkbenchForm):
    response = SelectField("Response", choices=labelled(RESPONSE_LABELS))
