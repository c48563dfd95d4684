"""The first-run form: who "we" are, as documents name us."""

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from workbench.services.our_organization import OurOrganization
from workbench.web.forms.organizations import ContactForm


class OurOrganizationForm(ContactForm):
    """Our organization's name, and the person a payer should contact (the contact fields)."""

    organization = StringField(
        "Our organization's name",
        validators=[DataRequired("Enter our organization's name."), Length(max=200)],
        description="Documents say they are prepared by it, e.g. “Riverside Primary Care”.",
    )
    name = StringField(
        "Contact person",
        validators=[
            DataRequired("Enter the name of the person a payer should contact."),
            Length(max=200),
        ],
        description="Printed with our name on every document.",
    )

    def our_organization(self) -> OurOrganization:
        """Return what was typed, blanks as None."""
        contact = self.values()
        return OurOrganization(
            name=self.organization.data.strip(),
            contact_name=contact["name"] or "",
            contact_title=contact["title"],
            contact_email=contact["email"],
            contact_phone=contact["phone"],
        )
